/* markdown.c — lessons' Markdown as a tree of plain data (cmark, CommonMark).
 *
 * Why cmark on the server rather than a Markdown library in the browser: one well-kept C
 * library from Debian parses every lesson in one place, raw HTML never gets further than this
 * file, and the browser receives data (node kinds and text), not markup — it builds elements
 * and text nodes from it, so there is nothing to sanitise and no v-html anywhere. */
#include <cmark.h>
#include <string.h>

#include "training.h"

#define MD_MAX_DEPTH 12

/* Links keep only targets that cannot run anything: web, mail, and same-site paths. A path
 * must stay on this site as a browser reads it: browsers take "\\" for "/" ("/\\evil.example"
 * is "//evil.example", another site) and drop tabs and line breaks anywhere, so neither may
 * follow the leading "/", and no control character or space passes at all. */
static bool safe_url(const char *u)
{
	if (!u || !*u)
		return false;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	if (!strncasecmp(u, "https://", 8) || !strncasecmp(u, "http://", 7) ||
	    !strncasecmp(u, "mailto:", 7))
		return true;
	return (u[0] == '/' && u[1] != '/' && u[1] != '\\') || u[0] == '#';
}

/* All literal text under `node`, for nodes flattened because of depth. Iterative: a lesson
 * of ten thousand nested quotes must not exhaust the stack. */
static void collect_text(cmark_node *node, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)
			buf_adds(b, cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "");
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			buf_addch(b, ' ');
	}
	cmark_iter_free(it);
}

static json_t *convert(cmark_node *node, int depth);

static json_t *children(cmark_node *node, int depth)
{
	json_t *a = json_array();
	for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
		json_t *j = convert(c, depth + 1);
		if (j)
			json_array_append_new(a, j);
	}
	return a;
}

static json_t *text_node(const char *s)
{
	return json_pack("{s:s,s:s}", "t", "text", "v", s ? s : "");
}

static json_t *convert(cmark_node *node, int depth)
{
	cmark_node_type t = cmark_node_get_type(node);
	if (depth > MD_MAX_DEPTH) {
		struct buf b = BUF_INIT;
		collect_text(node, &b);
		json_t *j = b.len ? text_node(b.buf) : NULL;
		buf_release(&b);
		return j;
	}
	switch (t) {
	case CMARK_NODE_DOCUMENT:
		return json_pack("{s:s,s:o}", "t", "document", "c", children(node, depth));
	case CMARK_NODE_PARAGRAPH:
		return json_pack("{s:s,s:o}", "t", "paragraph", "c", children(node, depth));
	case CMARK_NODE_HEADING:
		return json_pack("{s:s,s:i,s:o}", "t", "heading", "level",
				 cmark_node_get_heading_level(node), "c", children(node, depth));
	case CMARK_NODE_BLOCK_QUOTE:
		return json_pack("{s:s,s:o}", "t", "quote", "c", children(node, depth));
	case CMARK_NODE_LIST: {
		bool ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
		return json_pack("{s:s,s:b,s:i,s:o}", "t", "list", "ordered", ordered, "start",
				 ordered ? cmark_node_get_list_start(node) : 1, "c",
				 children(node, depth));
	}
	case CMARK_NODE_ITEM:
		return json_pack("{s:s,s:o}", "t", "item", "c", children(node, depth));
	case CMARK_NODE_CODE_BLOCK:
		return json_pack("{s:s,s:s}", "t", "code_block", "v",
				 cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "");
	case CMARK_NODE_THEMATIC_BREAK:
		return json_pack("{s:s}", "t", "rule");
	case CMARK_NODE_TEXT:
		return text_node(cmark_node_get_literal(node));
	case CMARK_NODE_SOFTBREAK:
		return text_node(" ");
	case CMARK_NODE_LINEBREAK:
		return json_pack("{s:s}", "t", "break");
	case CMARK_NODE_CODE:
		return json_pack("{s:s,s:s}", "t", "code", "v",
				 cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "");
	case CMARK_NODE_EMPH:
		return json_pack("{s:s,s:o}", "t", "emph", "c", children(node, depth));
	case CMARK_NODE_STRONG:
		return json_pack("{s:s,s:o}", "t", "strong", "c", children(node, depth));
	case CMARK_NODE_LINK: {
		const char *url = cmark_node_get_url(node);
		if (!safe_url(url))
			return json_pack("{s:s,s:o}", "t", "span", "c", children(node, depth));
		return json_pack("{s:s,s:s,s:o}", "t", "link", "href", url, "c",
				 children(node, depth));
	}
	case CMARK_NODE_IMAGE: {
		/* Images are not fetched (lessons stay text): their description stands in. */
		struct buf b = BUF_INIT;
		collect_text(node, &b);
		json_t *j = text_node(b.len ? b.buf : "");
		buf_release(&b);
		return j;
	}
	default:
		/* Raw HTML and anything else: dropped. */
		return NULL;
	}
}

json_t *training_markdown(const char *text)
{
	if (!text)
		text = "";
	cmark_node *doc = cmark_parse_document(text, strlen(text),
					       CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
	if (!doc)
		return json_pack("{s:s,s:[]}", "t", "document", "c");
	json_t *j = convert(doc, 0);
	cmark_node_free(doc);
	return j;
}
