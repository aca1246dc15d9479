"""Ledger text is inert in Markdown and HTML: one escaping function, tested on the nasty cases."""
import json

import markdown

from ducha.site.escape import block, inline, page_title


def render(md: str) -> str:
    return markdown.markdown(md, extensions=["tables", "attr_list", "md_in_html"])


def test_script_and_links_stay_text():
    html = render(f"# {inline('<script>alert(1)</script> [x](javascript:alert(2)) <http://evil>')}")
    assert "<script>" not in html and "<a " not in html
    assert "&#60;script&#62;" in html or "&lt;script&gt;" in html


def test_markdown_syntax_has_no_effect():
    for text in ["# 标题", "*强调*", "_下划线_", "`代码`", "![图](http://evil/x.png)", "1. 列表", "- 列表", "> 引用"]:
        html = render(inline(text))
        assert html.startswith("<p>") and "<em>" not in html and "<code>" not in html
        assert "<img" not in html and "<li>" not in html and "<h1" not in html and "<blockquote>" not in html


def test_pipe_does_not_break_a_table_cell():
    html = render(f"| a | b |\n|---|---|\n| {inline('甲|乙')} | 2 |\n")
    assert html.count("<td>") == 2 and "甲&#124;乙" in html


def test_block_keeps_lines_and_drops_nothing():
    assert block("第一行\n\n- 第二行\r\n") == "第一行<br>\n&#45; 第二行"
    assert inline(None) == "" and block(None) == ""


def test_page_title_is_inert_even_unescaped():
    value = json.loads(page_title('</title><script>x</script> & "q"\n'))
    assert "<" not in value and ">" not in value and "&" not in value and '"' not in value
    assert value == "＜/title＞＜script＞x＜/script＞ ＆ ＂q＂"
