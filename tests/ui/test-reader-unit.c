/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The reader's display-free parts: plain text (quotes, format=flowed,
 * links, markup), the HTML sanitizer against hostile markup, HTML as
 * text, and attachment names and types. */

#include "config.h"

#include <gtk/gtk.h>

#include "pigeon-attachment-bar.h"
#include "pigeon-html-sanitizer.h"
#include "pigeon-plain-text.h"

static void
assert_line (GPtrArray *lines, guint index, guint level, const char *text)
{
  PigeonTextLine *line;

  g_assert_cmpuint (index, <, lines->len);
  line = g_ptr_array_index (lines, index);
  g_assert_cmpuint (line->quote_level, ==, level);
  g_assert_cmpstr (line->text, ==, text);
}

static void
test_quote_levels (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse ("a\r\n> b\r\n> > c\r\n>> d\r\n>\r\n", FALSE, FALSE);

  g_assert_cmpuint (lines->len, ==, 5);
  assert_line (lines, 0, 0, "a");
  assert_line (lines, 1, 1, "b");
  assert_line (lines, 2, 2, "c");
  assert_line (lines, 3, 2, "d");
  assert_line (lines, 4, 1, "");
}

static void
test_fixed_keeps_trailing_space (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse ("one \ntwo\n", FALSE, FALSE);

  g_assert_cmpuint (lines->len, ==, 2);
  assert_line (lines, 0, 0, "one ");
}

static void
test_flowed_join (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse ("Hello \nwide \nworld\nNext\n", TRUE, FALSE);

  g_assert_cmpuint (lines->len, ==, 2);
  assert_line (lines, 0, 0, "Hello wide world");
  assert_line (lines, 1, 0, "Next");
}

static void
test_flowed_delsp (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse ("Donau\xc2\xad \ndampf \nschiff\n", TRUE, TRUE);

  g_assert_cmpuint (lines->len, ==, 1);
  assert_line (lines, 0, 0,
               "Donau\xc2\xad"
               "dampfschiff");
}

static void
test_flowed_stuffing (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse (" From here\n >not a quote\n  two spaces\n", TRUE, FALSE);

  g_assert_cmpuint (lines->len, ==, 3);
  assert_line (lines, 0, 0, "From here");
  assert_line (lines, 1, 0, ">not a quote");
  assert_line (lines, 2, 0, " two spaces");
}

/* RFC 3676 4.5: a soft break followed by another quote depth is a hard
 * one; quoted lines are flowed within their depth. */
static void
test_flowed_quote_depth (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse (">> deep \n>> text\n> soft \nplain\n", TRUE, FALSE);

  g_assert_cmpuint (lines->len, ==, 3);
  assert_line (lines, 0, 2, "deep text");
  assert_line (lines, 1, 1, "soft ");
  assert_line (lines, 2, 0, "plain");
}

static void
test_flowed_signature (void)
{
  g_autoptr (GPtrArray) lines = pigeon_plain_text_parse ("Bye \n-- \nMe\n", TRUE, FALSE);

  g_assert_cmpuint (lines->len, ==, 2);
  assert_line (lines, 0, 0, "Bye -- ");
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = pigeon_plain_text_parse ("Bye\n-- \nMe\n", TRUE, FALSE);
  g_assert_cmpuint (lines->len, ==, 3);
  assert_line (lines, 1, 0, "-- ");
  assert_line (lines, 2, 0, "Me");
}

static char *
find_link (const char *text)
{
  gsize start;
  gsize end;

  if (!pigeon_plain_text_find_link (text, 0, &start, &end))
    return NULL;
  return g_strndup (text + start, end - start);
}

static void
test_links (void)
{
  static const struct
  {
    const char *text;
    const char *link;
  } cases[] = {
    { "see https://example.com/a?b=c&d. ok", "https://example.com/a?b=c&d" },
    { "(http://en.wikipedia.org/wiki/A_(b))", "http://en.wikipedia.org/wiki/A_(b)" },
    { "<HTTPS://Example.com/x>", "HTTPS://Example.com/x" },
    { "write to mailto:a@example.com, thanks", "mailto:a@example.com" },
    { "javascript:alert(1)", NULL },
    { "ftp://example.com/file", NULL },
    { "xhttp://example.com", NULL },
    { "http:// nothing", NULL },
    { "file:///etc/passwd", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *link = find_link (cases[i].text);

      g_assert_cmpstr (link, ==, cases[i].link);
    }
}

static void
markup_start_cb (GMarkupParseContext *context,
                 const char *element,
                 const char **names,
                 const char **values,
                 gpointer user_data,
                 GError **error)
{
  g_assert_true (g_str_equal (element, "markup") || g_str_equal (element, "a"));
}

static void
markup_text_cb (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data, GError **error)
{
  g_string_append_len (user_data, text, len);
}

/* Markup from the message never becomes markup: the only elements are
 * our links, and the text reads back as written (the control character
 * made a space). */
static void
test_markup_escapes (void)
{
  const char *text = "<b>bold</b> & <span foreground='red'>x</span> https://a.example/?x=1&y=2\x01 end";
  g_autofree char *markup = pigeon_plain_text_to_markup (text);
  g_autofree char *document = g_strdup_printf ("<markup>%s</markup>", markup);
  GMarkupParser parser = { markup_start_cb, NULL, markup_text_cb, NULL, NULL };
  g_autoptr (GString) parsed = g_string_new (NULL);
  g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, parsed, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (strstr (markup, "<b>"));
  g_assert_null (strstr (markup, "<span"));
  g_assert_nonnull (strstr (markup, "<a href=\"https://a.example/?x=1&amp;y=2\">"));
  g_assert_true (g_markup_parse_context_parse (context, document, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->str, ==, "<b>bold</b> & <span foreground='red'>x</span> https://a.example/?x=1&y=2  end");
}

/* Sanitizer --------------------------------------------------------------- */

typedef struct
{
  const char *html;
  const char *forbidden[4]; /* none of these may appear (case-insensitive) */
  const char *kept;         /* this must appear, when set */
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "<script>alert(1)</script><p>hi</p>", { "script", "alert" }, "<p>hi</p>" },
  { "<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok", { "script", "evil" }, "ok" },
  { "<script>alert(1)", { "alert" }, NULL },
  { "<scr<script>ipt>x</script>", { "<script", "<scr" }, NULL },
  { "<iframe src=\"http://evil.example/\">fallback</iframe>ok", { "iframe", "evil", "fallback" }, "ok" },
  { "<frameset><frame src=\"http://evil.example/\"></frameset>", { "frame", "evil" }, NULL },
  { "<object data=\"http://evil.example/x.swf\"><param name=a value=b>alt</object>",
    { "object", "evil", "param" },
    NULL },
  { "<embed src=\"http://evil.example/x.swf\">", { "embed", "evil" }, NULL },
  { "<applet code=\"X.class\"></applet>", { "applet", "x.class" }, NULL },
  { "<form action=\"http://evil.example/\"><input name=p><button>Go</button></form>",
    { "form", "input", "action", "evil" },
    "Go" },
  { "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">", { "meta", "refresh", "evil" }, NULL },
  { "<link rel=\"preconnect\" href=\"https://evil.example\">", { "link", "evil" }, NULL },
  { "<link rel=prefetch href=https://evil.example/a>", { "link", "evil" }, NULL },
  { "<LINK REL=\"dns-prefetch\" HREF=\"//evil.example\">", { "link", "evil" }, NULL },
  { "<link rel=\"prerender\" href=\"https://evil.example/\">", { "link", "evil" }, NULL },
  { "<link rel=\"stylesheet\" href=\"https://evil.example/a.css\">", { "link", "evil" }, NULL },
  { "<base href=\"http://evil.example/\"><a href=\"x\">x</a>", { "base", "evil", "href" }, NULL },
  { "<img src=\"cid:a\" onerror=\"alert(1)\">", { "onerror", "alert" }, "src=\"cid:a\"" },
  { "<div onclick=\"x()\" ONMOUSEOVER=y onfocus>t</div>", { "onclick", "onmouseover", "onfocus" }, "<div>t</div>" },
  { "<a href=\"javascript:alert(1)\">x</a>", { "javascript", "alert", "href" }, NULL },
  { "<a href=\"jav&#x61;script:alert(1)\">x</a>", { "script", "alert", "href" }, NULL },
  { "<a href=\" java\tscript:alert(1)\">x</a>", { "script", "alert", "href" }, NULL },
  { "<a href=\"JaVaScRiPt&colon;alert(1)\">x</a>", { "script", "alert", "href" }, NULL },
  { "<a href=\"vbscript:msgbox(1)\">x</a>", { "vbscript", "href" }, NULL },
  { "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", { "data:", "script", "href" }, NULL },
  { "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">", { "data:", "svg", "src" }, NULL },
  { "<img src=\"javascript:alert(1)\">", { "javascript", "src" }, NULL },
  { "<style>@import url(http://evil.example/a.css); p { color: red }</style>",
    { "@import", "url(", "evil" },
    "color: red" },
  { "<style>@import 'http://evil.example/a.css';</style>", { "@import", "evil" }, NULL },
  { "<style>p { background: URL(http://evil.example/x) }</style>", { "url(", "evil" }, NULL },
  { "<div style=\"background:url(http://evil.example/x);color:red\">t</div>", { "url(", "evil" }, "color:red" },
  { "<div style=\"width: expression(alert(1))\">t</div>", { "expression", "alert" }, NULL },
  { "<div style=\"background-image: -webkit-image-set('http://evil.example/x' 1x)\">t</div>",
    { "image-set", "evil" },
    NULL },
  { "<div style=\"background: u\\72l(http://evil.example/x)\">t</div>", { "evil", "\\72" }, NULL },
  { "<div style=\"background: ur/**/l(http://evil.example/x)\">t</div>", { "evil" }, NULL },
  { "<div style=\"background: u&#114;l(http://evil.example/x)\">t</div>", { "evil" }, NULL },
  { "<div style=\"-moz-binding: url(http://evil.example/x.xml)\">t</div>", { "binding", "evil" }, NULL },
  { "<img src=\"cid:a\" srcset=\"http://evil.example/x 2x\">", { "srcset", "evil" }, "cid:a" },
  { "<body background=\"http://evil.example/bg.png\">t</body>", { "background", "evil" }, "<body>" },
  { "<table background=\"http://evil.example/bg.png\"><tr><td>t</td></tr></table>",
    { "background", "evil" },
    "<td>t</td>" },
  { "<video poster=\"http://evil.example/p.jpg\" src=\"http://evil.example/v.mp4\">no video</video>ok",
    { "poster", "evil", "video" },
    "ok" },
  { "<audio src=\"http://evil.example/a.mp3\"></audio>", { "audio", "evil" }, NULL },
  { "<img src=\"http://evil.example/track.gif\">", { "evil" }, NULL },
  { "<img src=\"//evil.example/track.gif\">", { "evil" }, NULL },
  { "<!--[if IE]><script>alert(1)</script><![endif]-->ok", { "script", "alert", "<!--" }, "ok" },
  { "<svg><script>alert(1)</script><image href=\"http://evil.example/x\"/></svg>", { "svg", "script", "evil" }, NULL },
  { "<math><mtext><img src=x onerror=alert(1)></mtext></math>", { "math", "onerror" }, NULL },
  { "<noscript><img src=\"http://evil.example/x\"></noscript>", { "noscript", "evil" }, NULL },
  { "<textarea><script>alert(1)</script></textarea>", { "textarea", "script" }, NULL },
  { "<select><option>a</option></select>", { "select", "option" }, NULL },
  { "<template><script>alert(1)</script></template>", { "template", "script" }, NULL },
  { "<xmp><script>alert(1)</script></xmp>", { "xmp", "script" }, NULL },
  { "<plaintext><script>alert(1)</script>", { "plaintext", "script" }, NULL },
  { "<?xml-stylesheet href=\"http://evil.example/a.xsl\"?>ok", { "evil", "<?" }, "ok" },
  { "<p title=\"a&quot; onclick=&quot;alert(1)\">t</p>",
    { "onclick=\"" },
    "<p title=\"a&quot; onclick=&quot;alert(1)\">" },
  { "<p title='x\"><script>alert(1)</script>'>t</p>", { "<script" }, NULL },
  { "<a href=\"http://ok.example/\" target=\"_blank\" ping=\"http://evil.example/\">ok</a>",
    { "ping", "evil", "target" },
    "<a href=\"http://ok.example/\">ok</a>" },
  { "<img src=x dynsrc=\"http://evil.example/\" lowsrc=\"http://evil.example/\">", { "evil", "src" }, NULL },
  { "<o:p>office</o:p>", { "o:p" }, "office" },
  /* A nameless value running to the end once made the reader step past
   * the input's end. */
  { "<p =\"unterminated", { "unterminated" }, "<p>" },
  { "<p =", { "=" }, "<p>" },
};

static void
test_sanitize_hostile (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      const HostileCase *c = &hostile_cases[i];
      g_autofree char *clean = pigeon_html_sanitize (c->html, PIGEON_HTML_SANITIZE_NONE, NULL);
      g_autofree char *lower = g_ascii_strdown (clean, -1);

      g_test_message ("%s -> %s", c->html, clean);
      for (gsize j = 0; j < G_N_ELEMENTS (c->forbidden) && c->forbidden[j] != NULL; j++)
        {
          g_autofree char *word = g_ascii_strdown (c->forbidden[j], -1);

          if (strstr (lower, word) != NULL)
            g_error ("\"%s\" left in %s (from %s)", c->forbidden[j], clean, c->html);
        }
      if (c->kept != NULL && strstr (clean, c->kept) == NULL)
        g_error ("\"%s\" missing from %s (from %s)", c->kept, clean, c->html);
    }
}

/* Random soups of the constructs above: no crash (the sanitize build runs
 * this under ASan), and sanitising is stable, so the output holds nothing
 * the sanitizer would still remove. */
static void
test_sanitize_random (void)
{
  static const char *const pieces[] = {
    "<",
    ">",
    "</",
    "<script",
    "</script",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<!",
    "<?",
    "\"",
    "'",
    "=",
    " ",
    "&",
    "&#",
    "&#x",
    ";",
    "a",
    "href",
    "src",
    "style",
    "url(",
    "/*",
    "*/",
    "\\",
    "<a ",
    "<img ",
    "<p>",
    "<blockquote>",
    "</blockquote>",
    "<pre>",
    "</pre>",
    "<li>",
    "<br>",
    "http://x",
    "cid:y",
    "javascript:",
    "\n",
    "on",
    "<svg>",
    "</svg>",
    "<object>",
    "</object>",
    "@import",
    "mailto:",
    "<iframe",
    "srcset",
    "background",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (3676);

  for (guint n = 0; n < 5000; n++)
    {
      g_autoptr (GString) html = g_string_new (NULL);
      guint length = g_rand_int_range (rand, 0, 60);
      g_autofree char *clean = NULL;
      g_autofree char *again = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < length; i++)
        g_string_append (html, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      clean = pigeon_html_sanitize (html->str, PIGEON_HTML_SANITIZE_ALLOW_REMOTE, NULL);
      again = pigeon_html_sanitize (clean, PIGEON_HTML_SANITIZE_ALLOW_REMOTE, NULL);
      text = pigeon_html_to_text (html->str);
      if (g_strcmp0 (clean, again) != 0)
        g_error ("Not stable:\n%s\n%s\n%s", html->str, clean, again);
    }
}

static void
test_sanitize_keeps_harmless (void)
{
  const char *html = "<html><head><style>p { color: red; }</style></head><body>"
                     "<h1>Title</h1><p style=\"font-weight: bold\">A <b>b</b> <i>i</i> &amp; "
                     "<a href=\"https://example.com/?a=1&amp;b=2\">link</a> <a href=\"mailto:x@example.com\">m</a></p>"
                     "<table border=\"1\"><tr><td colspan=\"2\">c</td></tr></table>"
                     "<ul><li>one</li></ul><blockquote>q</blockquote><img src=\"cid:logo@x\" alt=\"Logo\">"
                     "<img src=\"data:image/png;base64,iVBORw0KGgo=\"></body></html>";
  const char *expected =
      "<html><head><style>p { color: red; }</style></head><body>"
      "<h1>Title</h1><p style=\"font-weight: bold\">A <b>b</b> <i>i</i> &amp; "
      "<a href=\"https://example.com/?a=1&amp;b=2\">link</a> <a href=\"mailto:x@example.com\">m</a></p>"
      "<table border=\"1\"><tr><td colspan=\"2\">c</td></tr></table>"
      "<ul><li>one</li></ul><blockquote>q</blockquote><img src=\"cid:logo@x\" alt=\"Logo\">"
      "<img src=\"data:image/png;base64,iVBORw0KGgo=\"></body></html>";
  g_autofree char *clean = pigeon_html_sanitize (html, PIGEON_HTML_SANITIZE_NONE, NULL);

  g_assert_cmpstr (clean, ==, expected);
}

static void
test_sanitize_remote_images (void)
{
  const char *html = "<p>x</p><img src=\"https://cdn.example/a.png\" alt=\"a\">";
  gboolean blocked = FALSE;
  g_autofree char *blocked_html = pigeon_html_sanitize (html, PIGEON_HTML_SANITIZE_NONE, &blocked);
  g_autofree char *allowed_html = NULL;

  g_assert_true (blocked);
  g_assert_null (strstr (blocked_html, "cdn.example"));
  g_assert_nonnull (strstr (blocked_html, "alt=\"a\""));
  allowed_html = pigeon_html_sanitize (html, PIGEON_HTML_SANITIZE_ALLOW_REMOTE, &blocked);
  g_assert_false (blocked);
  g_assert_nonnull (strstr (allowed_html, "src=\"https://cdn.example/a.png\""));
}

static void
test_sanitize_stray_angle (void)
{
  g_autofree char *clean = pigeon_html_sanitize ("<p>a < b and 1<2</p>", PIGEON_HTML_SANITIZE_NONE, NULL);

  g_assert_cmpstr (clean, ==, "<p>a &lt; b and 1&lt;2</p>");
}

static void
assert_html_text (const char *html, const char *expected)
{
  g_autofree char *text = pigeon_html_to_text (html);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_html_to_text (void)
{
  assert_html_text ("<p>Hello&nbsp;<b>world</b></p>\n<p>Second\n  line</p>", "Hello\xc2\xa0world\n\nSecond line");
  assert_html_text ("<ul><li>one</li><li>two</li></ul>", "• one\n• two");
  assert_html_text ("Go to <a href=\"https://example.com/\">our site</a>.", "Go to our site <https://example.com/>.");
  assert_html_text ("<a href=\"https://example.com/\">https://example.com/</a>", "https://example.com/");
  assert_html_text ("<a href=\"javascript:alert(1)\">click</a>", "click");
  assert_html_text ("<head><title>T</title><style>p{}</style></head><script>x()</script>text", "text");
  assert_html_text ("<p>reply</p><blockquote><p>orig</p><blockquote>older</blockquote></blockquote>",
                    "reply\n\n> orig\n\n>> older");
  assert_html_text ("a<br>b<br/>c", "a\nb\nc");
  assert_html_text ("<pre>  x\n  y</pre>", "  x\n  y");
  assert_html_text ("1 &lt; 2 &amp;&amp; 3 &gt; 2 &#x263A; &#0;", "1 < 2 && 3 > 2 \xe2\x98\xba \xef\xbf\xbd");
}

/* Attachments ------------------------------------------------------------- */

static void
assert_filename (const char *name, const char *expected)
{
  g_autofree char *clean = pigeon_attachment_sanitize_filename (name);

  g_assert_cmpstr (clean, ==, expected);
}

static void
test_filenames (void)
{
  g_autofree char *long_name = g_strnfill (300, 'a');
  g_autofree char *long_clean = pigeon_attachment_sanitize_filename (long_name);
  g_autoptr (GString) accented = g_string_new (NULL);
  g_autofree char *accented_clean = NULL;

  assert_filename ("report.pdf", "report.pdf");
  assert_filename ("../../etc/passwd", "passwd");
  assert_filename ("/tmp/x/", "attachment");
  assert_filename ("C:\\Users\\me\\evil.exe", "evil.exe");
  assert_filename (".bashrc", "bashrc");
  assert_filename ("..", "attachment");
  assert_filename ("", "attachment");
  assert_filename (NULL, "attachment");
  assert_filename ("   ", "attachment");
  assert_filename ("photo\xe2\x80\xaegpj.exe", "photogpj.exe");
  assert_filename ("a\xe2\x81\xa6"
                   "b\xe2\x80\x8b"
                   "c.txt",
                   "abc.txt");
  assert_filename ("line\nbreak\tand\x7f"
                   "del.txt",
                   "linebreakanddel.txt");
  assert_filename ("bad\xff"
                   "utf8.txt",
                   "badutf8.txt");
  assert_filename ("trailing. . ", "trailing");
  assert_filename ("na\xc3\xafve r\xc3\xa9sum\xc3\xa9.odt", "na\xc3\xafve r\xc3\xa9sum\xc3\xa9.odt");
  g_assert_cmpuint (strlen (long_clean), ==, 200);
  /* Cut at a character boundary: 199 bytes of "x" then two-byte "é"s. */
  g_string_append_len (accented, long_name, 199);
  for (guint i = 0; i < 10; i++)
    g_string_append (accented, "\xc3\xa9");
  accented_clean = pigeon_attachment_sanitize_filename (accented->str);
  g_assert_cmpuint (strlen (accented_clean), ==, 199);
  g_assert_true (g_utf8_validate (accented_clean, -1, NULL));
}

static void
test_unsafe_types (void)
{
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("application/x-desktop", NULL));
  g_assert_true (pigeon_attachment_is_unsafe_to_open (NULL, "launcher.desktop"));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("text/plain", "run.sh"));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("text/plain", "SETUP.EXE"));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("application/x-shellscript", "notes.txt"));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("application/x-executable", NULL));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("application/x-sharedlib", NULL));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("x-scheme-handler/https", NULL));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("text/javascript", NULL));
  g_assert_true (pigeon_attachment_is_unsafe_to_open ("application/x-ms-dos-executable", "x.pdf"));
  g_assert_true (pigeon_attachment_is_unsafe_to_open (NULL, "tool.AppImage"));
  g_assert_true (pigeon_attachment_is_unsafe_to_open (NULL, "app.jar"));
  g_assert_false (pigeon_attachment_is_unsafe_to_open ("application/pdf", "doc.pdf"));
  g_assert_false (pigeon_attachment_is_unsafe_to_open ("image/png", "a.png"));
  g_assert_false (pigeon_attachment_is_unsafe_to_open ("application/postscript", "a.ps"));
  g_assert_false (pigeon_attachment_is_unsafe_to_open ("text/plain", "notes.txt"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reader/plain-text/quote-levels", test_quote_levels);
  g_test_add_func ("/reader/plain-text/fixed-keeps-trailing-space", test_fixed_keeps_trailing_space);
  g_test_add_func ("/reader/plain-text/flowed-join", test_flowed_join);
  g_test_add_func ("/reader/plain-text/flowed-delsp", test_flowed_delsp);
  g_test_add_func ("/reader/plain-text/flowed-stuffing", test_flowed_stuffing);
  g_test_add_func ("/reader/plain-text/flowed-quote-depth", test_flowed_quote_depth);
  g_test_add_func ("/reader/plain-text/flowed-signature", test_flowed_signature);
  g_test_add_func ("/reader/plain-text/links", test_links);
  g_test_add_func ("/reader/plain-text/markup-escapes", test_markup_escapes);
  g_test_add_func ("/reader/html/sanitize-hostile", test_sanitize_hostile);
  g_test_add_func ("/reader/html/sanitize-random", test_sanitize_random);
  g_test_add_func ("/reader/html/sanitize-keeps-harmless", test_sanitize_keeps_harmless);
  g_test_add_func ("/reader/html/sanitize-remote-images", test_sanitize_remote_images);
  g_test_add_func ("/reader/html/sanitize-stray-angle", test_sanitize_stray_angle);
  g_test_add_func ("/reader/html/to-text", test_html_to_text);
  g_test_add_func ("/reader/attachments/filenames", test_filenames);
  g_test_add_func ("/reader/attachments/unsafe-types", test_unsafe_types);

  return g_test_run ();
}
