from ..conftest import as_json, findings_of, item_yaml, write_ledger


def netizen(n, completed, verify=False):
    extra = "verify: true\n" if verify else ""
    return item_yaml(f"2025-{n:04d}", category="netizen_message", assigned="2025-09-01", extra=extra,
                     events=[f"date: {completed}, type: completed"])


def test_month_below_thirty_percent(check_ledger):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, "2025-09-10", verify=n <= 2) for n in range(1, 11)}
    [f] = findings_of(check_ledger(items, "2025-10-01"), "review_rate_low")
    assert (f.file, f.line, f.severity) == (None, None, "warning")
    assert "2025-09" in f.message and "10 件" in f.message and "至少需 3 件" in f.message


def test_month_at_thirty_percent(check_ledger):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, "2025-09-10", verify=n <= 3) for n in range(1, 11)}
    assert findings_of(check_ledger(items, "2025-10-01"), "review_rate_low") == []


def test_current_month_is_not_judged_yet(check_ledger):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, "2025-09-10") for n in range(1, 4)}
    assert findings_of(check_ledger(items, "2025-09-30"), "review_rate_low") == []
    assert len(findings_of(check_ledger(items, "2025-10-01"), "review_rate_low")) == 1


# Issue 10, docs/rules.md §5: the month's base is every netizen message with a
# completion dated in that month; any `verified` event after that completion
# (pass or fail) is a review. A failed verification or a return no longer
# takes the message out of the base.

def message(n, *events, lead="zjj", verify=False):
    return item_yaml(f"2025-{n:04d}", category="netizen_message", assigned="2025-09-01", lead=lead,
                     extra="verify: true\n" if verify else "",
                     events=["date: 2025-09-10, type: completed", *events])


def test_failed_verification_is_a_review_done(check_ledger):
    # Three completed on 09-10; #1 picked for verification (verify: true),
    # verified on 09-20 and failed, so it is back in progress. Base 3,
    # reviewed 1: 1/3 = 33% >= 30% (needs ceil(0.9) = 1): no finding.
    # (Dropping #1 gave "2 件，复核 0 件，0%".)
    items = {f"items/2025/2025-{n:04d}.yaml": message(n) for n in (2, 3)}
    items["items/2025/2025-0001.yaml"] = message(1, "date: 2025-09-20, type: verified, result: fail", verify=True)
    [(_, status), *_] = check_ledger(items, "2025-10-01").items
    assert status.state == "in_progress"
    assert findings_of(check_ledger(items, "2025-10-01"), "review_rate_low") == []


def test_returned_message_stays_in_the_base(check_ledger):
    # Three completed on 09-10, #1 returned on 09-15, none verified: base 3,
    # reviewed 0, needs 1.
    items = {f"items/2025/2025-{n:04d}.yaml": message(n) for n in (2, 3)}
    items["items/2025/2025-0001.yaml"] = message(1, "date: 2025-09-15, type: returned")
    [f] = findings_of(check_ledger(items, "2025-10-01"), "review_rate_low")
    assert "2025-09 办结的网友留言 3 件，复核 0 件" in f.message and "至少需 1 件" in f.message


def test_a_verification_before_the_completion_is_not_its_review(check_ledger):
    # #1 completed 09-05, verified (fail) 09-08, completed again 10-03: in the
    # September base, reviewed; in the October base, not reviewed (the only
    # verification came before the October completion). October: base 1,
    # reviewed 0, needs 1.
    text = item_yaml("2025-0001", category="netizen_message", assigned="2025-09-01", events=[
        "date: 2025-09-05, type: completed", "date: 2025-09-08, type: verified, result: fail",
        "date: 2025-10-03, type: completed"])
    [f] = findings_of(check_ledger({"items/2025/2025-0001.yaml": text}, "2025-11-01"), "review_rate_low")
    assert "2025-10 办结的网友留言 1 件，复核 0 件" in f.message


def test_check_sample_report_and_assess_share_the_base(tmp_path, cli):
    # Ten messages completed on 2025-09-10, seven by zjj and three by qcq:
    # #1 (verify: true) verified 09-20 and failed, #2 verified 09-21 and passed, #3 returned
    # 09-25 (not verified). Base 10, reviewed 2 (#1, #2): 20% < 30%, needs
    # ceil(3.0) = 3, so one more to pick. By unit: zjj 7 with 2 reviewed, qcq
    # 3 with 0. Everything is dated in September, so the report and the
    # assessment (as of 09-30) see what check and sample (as of 10-01) see.
    items = {f"items/2025/2025-{n:04d}.yaml": message(n, lead="zjj" if n <= 7 else "qcq") for n in range(4, 11)}
    items["items/2025/2025-0001.yaml"] = message(1, "date: 2025-09-20, type: verified, result: fail", verify=True)
    items["items/2025/2025-0002.yaml"] = message(2, "date: 2025-09-21, type: verified, result: pass")
    items["items/2025/2025-0003.yaml"] = message(3, "date: 2025-09-25, type: returned")
    root = write_ledger(tmp_path, items)
    where = ("--ledger", str(root))

    _, out, _ = cli("check", *where, "--as-of", "2025-10-01", "--format", "json", "--no-cache")
    [f] = [f for f in as_json(out)["findings"] if f["code"] == "review_rate_low"]
    assert "办结的网友留言 10 件，复核 2 件，复核率 20%" in f["message"] and "至少需 3 件" in f["message"]

    code, out, _ = cli("sample", *where, "--month", "2025-09", "--as-of", "2025-10-01", "--format", "json")
    drawn = as_json(out)
    assert (drawn["completed"], drawn["reviewed"], drawn["required"]) == (10, 2, 3)
    assert len(drawn["picks"]) == 1 and drawn["picks"][0] not in ("2025-0001", "2025-0002")

    _, out, _ = cli("report", "monthly", "--period", "2025-09", *where, "--format", "json")
    review = as_json(out)["review"]
    assert (review["completed"], review["reviewed"]) == (10, 2)
    assert [(m["month"], m["required"], m["rate_met"]) for m in review["months"]] == [("2025-09", 3, False)]
    _, text, _ = cli("report", "monthly", "--period", "2025-09", *where)
    assert "本期办结的网友留言 10 件，复核 2 件，复核率 20%；2025-09 低于 30%" in text

    _, out, _ = cli("assess", "--period", "2025-09", *where, "--format", "json")
    units = {s["unit"]: (s["netizen_completed"], s["netizen_reviewed"]) for s in as_json(out)}
    assert (units["zjj"], units["qcq"]) == ((7, 2), (3, 0))
