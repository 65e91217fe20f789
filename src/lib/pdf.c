/* pdf.c — A4 documents with Japanese text: cairo draws, pango shapes and wraps. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "pdf.h"
#include "buf.h"
#include "util.h"

#define A4_SHORT 595.276
#define A4_LONG  841.890
#define MARGIN_X 40.0
#define TOP      52.0 /* first line of content */
#define BOTTOM   50.0 /* space kept free under the content */
#define CELL_PAD 3.0
#define MAX_COLS 32

struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *ctx;
	PangoLayout *layout;
	PangoLayout *aux; /* page headers and footers, drawn while `layout` may be in use */
	PangoFontDescription *body, *small, *bold, *heading, *sub, *cell, *cell_bold;
	pdf_write_fn write;
	void *arg;
	bool write_failed;
	double width, height; /* page size in points */
	double y;             /* where the next block starts */
	int page;             /* pages begun (0: none yet) */
	char *title, *footer;
	/* The open table. */
	size_t ncols;
	double col_w[MAX_COLS];
	bool col_right[MAX_COLS];
	char *col_header[MAX_COLS];
	bool in_table;
};

/* fontconfig (2.14) keeps a few bytes of its configuration unreachable once loaded; that one-off
 * loss is the library's, not ours, so the sanitizer build is told to ignore leaks that start
 * inside it. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

void pdf_thread_done(void)
{
	pango_cairo_font_map_set_default(NULL);
}

static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf *p = closure;
	if (p->write_failed || p->write(p->arg, data, len)) {
		p->write_failed = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

int pdf_to_buf(void *arg, const unsigned char *data, size_t len)
{
	buf_add(arg, data, len);
	return 0;
}

static PangoFontDescription *font(double size, bool bold)
{
	PangoFontDescription *d = pango_font_description_new();
	pango_font_description_set_family(d, PDF_FONT);
	pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(d, PANGO_WEIGHT_BOLD);
	return d;
}

static double content_width(const struct pdf *p)
{
	return p->width - 2 * MARGIN_X;
}

static double bottom(const struct pdf *p)
{
	return p->height - BOTTOM;
}

/* Lays out `text` in `f` wrapped to `w` points (w <= 0: no wrapping). */
static void layout_set(struct pdf *p, const char *text, const PangoFontDescription *f, double w)
{
	pango_layout_set_font_description(p->layout, f);
	pango_layout_set_width(p->layout, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_height(p->layout, -1);
	pango_layout_set_ellipsize(p->layout, PANGO_ELLIPSIZE_NONE);
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(p->layout, PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->layout, text ? text : "", -1);
}

static double layout_height(struct pdf *p)
{
	int w, h;
	pango_layout_get_size(p->layout, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void grey(struct pdf *p, double level)
{
	cairo_set_source_rgb(p->cr, level, level, level);
}

/* Text at (x, y) in one line, no wrapping (with the page's own layout). */
static void draw_line(struct pdf *p, double x, double y, const char *text,
		      const PangoFontDescription *f, bool right_aligned)
{
	pango_layout_set_font_description(p->aux, f);
	pango_layout_set_text(p->aux, text ? text : "", -1);
	if (right_aligned) {
		int w, h;
		pango_layout_get_size(p->aux, &w, &h);
		x -= (double)w / PANGO_SCALE;
	}
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->aux);
}

static void draw_table_header(struct pdf *p);

/* Ends the current page (if any) and begins the next with its header and footer. */
static void new_page(struct pdf *p)
{
	char num[24];
	if (p->page > 0)
		cairo_show_page(p->cr);
	p->page++;
	grey(p, 0.45);
	draw_line(p, MARGIN_X, 24, p->title, p->small, false);
	if (p->footer)
		draw_line(p, MARGIN_X, p->height - 32, p->footer, p->small, false);
	snprintf(num, sizeof(num), "%d", p->page);
	draw_line(p, p->width - MARGIN_X, p->height - 32, num, p->small, true);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MARGIN_X, 38);
	cairo_line_to(p->cr, p->width - MARGIN_X, 38);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y = TOP;
	if (p->in_table)
		draw_table_header(p);
}

/* Makes room for `h` points, starting a new page when the current one has too little. */
static void need(struct pdf *p, double h)
{
	if (p->page == 0 || (p->y + h > bottom(p) && p->y > TOP + (p->in_table ? 20 : 0)))
		new_page(p);
}

struct pdf *pdf_open(const struct pdf_options *o, pdf_write_fn write, void *arg)
{
	struct pdf *p = xcalloc(1, sizeof(*p));
	p->write = write;
	p->arg = arg;
	p->width = o->landscape ? A4_LONG : A4_SHORT;
	p->height = o->landscape ? A4_SHORT : A4_LONG;
	p->title = xstrdup(o->title ? o->title : "");
	p->footer = o->footer ? xstrdup(o->footer) : NULL;
	p->surface = cairo_pdf_surface_create_for_stream(stream_write, p, p->width, p->height);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, p->title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "mamori");
	p->cr = cairo_create(p->surface);
	p->ctx = pango_cairo_create_context(p->cr);
	/* One point per unit: font sizes are points, as on paper. */
	pango_cairo_context_set_resolution(p->ctx, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p->ctx, fo);
	cairo_font_options_destroy(fo);
	p->layout = pango_layout_new(p->ctx);
	p->aux = pango_layout_new(p->ctx);
	p->body = font(9.5, false);
	p->small = font(7.5, false);
	p->bold = font(9.5, true);
	p->heading = font(12.5, true);
	p->sub = font(10.5, true);
	p->cell = font(8, false);
	p->cell_bold = font(8, true);
	PangoFontDescription *big = font(17, true);
	new_page(p);
	layout_set(p, p->title, big, content_width(p));
	cairo_move_to(p->cr, MARGIN_X, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	p->y += layout_height(p) + 4;
	pango_font_description_free(big);
	if (o->subtitle && *o->subtitle) {
		grey(p, 0.25);
		layout_set(p, o->subtitle, p->body, content_width(p));
		cairo_move_to(p->cr, MARGIN_X, p->y);
		pango_cairo_show_layout(p->cr, p->layout);
		p->y += layout_height(p) + 2;
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	p->y += 8;
	return p;
}

int pdf_close(struct pdf *p)
{
	int rc = 0;
	if (p->in_table)
		pdf_table_end(p);
	cairo_show_page(p->cr);
	g_object_unref(p->layout);
	g_object_unref(p->aux);
	g_object_unref(p->ctx);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS || p->write_failed)
		rc = -1;
	cairo_surface_destroy(p->surface);
	PangoFontDescription *fonts[] = { p->body, p->small, p->bold,     p->heading,
					  p->sub,  p->cell,  p->cell_bold };
	for (size_t i = 0; i < ARRAY_SIZE(fonts); i++)
		pango_font_description_free(fonts[i]);
	for (size_t i = 0; i < p->ncols; i++)
		free(p->col_header[i]);
	free(p->title);
	free(p->footer);
	free(p);
	return rc;
}

/* Draws the laid-out paragraph line by line from p->y at x, breaking pages between lines. */
static void flow_layout(struct pdf *p, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(p->layout);
	double top = -1;
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double line_y = (double)logical.y / PANGO_SCALE;
		double line_h = (double)logical.height / PANGO_SCALE;
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		if (top < 0)
			top = line_y;
		if (p->y + (line_y - top) + line_h > bottom(p)) {
			p->y += line_y - top;
			new_page(p);
			top = line_y;
		}
		cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE, p->y + (base - top));
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		if (!pango_layout_iter_next_line(it)) {
			p->y += line_y - top + line_h;
			break;
		}
	} while (1);
	pango_layout_iter_free(it);
}

static void paragraph(struct pdf *p, const char *text, const PangoFontDescription *f, double after)
{
	layout_set(p, text, f, content_width(p));
	need(p, 12);
	flow_layout(p, MARGIN_X);
	p->y += after;
}

void pdf_heading(struct pdf *p, const char *text)
{
	if (p->in_table)
		pdf_table_end(p);
	layout_set(p, text, p->heading, content_width(p));
	double h = layout_height(p);
	need(p, h + 60); /* never a heading alone at the foot of a page */
	layout_set(p, text, p->heading, content_width(p));
	p->y += 6;
	cairo_move_to(p->cr, MARGIN_X, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	p->y += h + 2;
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, MARGIN_X, p->y);
	cairo_line_to(p->cr, p->width - MARGIN_X, p->y);
	cairo_stroke(p->cr);
	p->y += 6;
}

void pdf_subheading(struct pdf *p, const char *text)
{
	if (p->in_table)
		pdf_table_end(p);
	layout_set(p, text, p->sub, content_width(p));
	double h = layout_height(p);
	need(p, h + 40);
	layout_set(p, text, p->sub, content_width(p));
	p->y += 4;
	cairo_move_to(p->cr, MARGIN_X, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	p->y += h + 4;
}

void pdf_text(struct pdf *p, const char *text)
{
	paragraph(p, text, p->body, 5);
}

void pdf_note(struct pdf *p, const char *text)
{
	grey(p, 0.35);
	paragraph(p, text, p->small, 4);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

void pdf_space(struct pdf *p, double points)
{
	p->y += points;
}

void pdf_page_break(struct pdf *p)
{
	new_page(p);
}

void pdf_field(struct pdf *p, const char *label, const char *value)
{
	if (p->in_table)
		pdf_table_end(p);
	double lw = content_width(p) * 0.28, vw = content_width(p) - lw - 8;
	const char *v = value && *value ? value : "—";
	layout_set(p, label, p->bold, lw);
	double lh = layout_height(p);
	layout_set(p, v, p->body, vw);
	double vh = layout_height(p);
	if (vh > bottom(p) - TOP) { /* a very long value flows over pages */
		need(p, lh);
		grey(p, 0.3);
		layout_set(p, label, p->bold, lw);
		cairo_move_to(p->cr, MARGIN_X, p->y);
		pango_cairo_show_layout(p->cr, p->layout);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		layout_set(p, v, p->body, vw);
		flow_layout(p, MARGIN_X + lw + 8);
		p->y += 3;
		return;
	}
	double h = lh > vh ? lh : vh;
	need(p, h);
	grey(p, 0.3);
	layout_set(p, label, p->bold, lw);
	cairo_move_to(p->cr, MARGIN_X, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	layout_set(p, v, p->body, vw);
	cairo_move_to(p->cr, MARGIN_X + lw + 8, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	p->y += h + 3;
}

/* --- tables --------------------------------------------------------------------------------- */

/* `s` cut to PDF_CELL_MAX characters with "…" (allocated), or NULL when it fits. */
static char *cut(const char *s)
{
	size_t chars = 0;
	const char *c = s;
	for (; *c; c++) {
		if (((unsigned char)*c & 0xC0) != 0x80 && ++chars > PDF_CELL_MAX)
			break;
	}
	if (!*c)
		return NULL;
	struct buf b = BUF_INIT;
	buf_add(&b, s, (size_t)(c - s));
	buf_adds(&b, "…");
	return buf_detach(&b, NULL);
}

/* Lays out one cell; max_h > 0 cuts it to that height. */
static void cell_layout(struct pdf *p, const char *text, const PangoFontDescription *f, double w,
			bool right, double max_h)
{
	char *short_text = text ? cut(text) : NULL;
	layout_set(p, short_text ? short_text : text, f, w - 2 * CELL_PAD);
	free(short_text);
	if (right)
		pango_layout_set_alignment(p->layout, PANGO_ALIGN_RIGHT);
	if (max_h > 0) {
		pango_layout_set_height(p->layout, (int)(max_h * PANGO_SCALE));
		pango_layout_set_ellipsize(p->layout, PANGO_ELLIPSIZE_END);
	}
}

/* A row of cells at p->y: backgrounds, borders, text. Returns its height. */
static double draw_row(struct pdf *p, const char *const *cells, bool header)
{
	const PangoFontDescription *f = header ? p->cell_bold : p->cell;
	double h = 0, max_h = bottom(p) - TOP - 40;
	for (size_t i = 0; i < p->ncols; i++) {
		cell_layout(p, cells[i], f, p->col_w[i], !header && p->col_right[i], 0);
		double ch = layout_height(p);
		if (ch > h)
			h = ch;
	}
	bool clipped = h > max_h;
	if (clipped)
		h = max_h;
	h += 2 * CELL_PAD;
	if (!header)
		need(p, h);
	double x = MARGIN_X;
	if (header) {
		grey(p, 0.9);
		cairo_rectangle(p->cr, MARGIN_X, p->y, content_width(p), h);
		cairo_fill(p->cr);
	}
	cairo_set_line_width(p->cr, 0.4);
	grey(p, 0.6);
	cairo_rectangle(p->cr, MARGIN_X, p->y, content_width(p), h);
	cairo_stroke(p->cr);
	for (size_t i = 0; i + 1 < p->ncols; i++) {
		x += p->col_w[i];
		cairo_move_to(p->cr, x, p->y);
		cairo_line_to(p->cr, x, p->y + h);
		cairo_stroke(p->cr);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	x = MARGIN_X;
	for (size_t i = 0; i < p->ncols; i++) {
		cell_layout(p, cells[i], f, p->col_w[i], !header && p->col_right[i],
			    clipped ? max_h : 0);
		cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD);
		pango_cairo_show_layout(p->cr, p->layout);
		x += p->col_w[i];
	}
	p->y += h;
	return h;
}

static void draw_table_header(struct pdf *p)
{
	draw_row(p, (const char *const *)p->col_header, true);
}

void pdf_table_begin(struct pdf *p, const struct pdf_column *cols, size_t n)
{
	double total = 0;
	if (p->in_table)
		pdf_table_end(p);
	for (size_t i = 0; i < p->ncols; i++)
		free(p->col_header[i]);
	if (n > MAX_COLS)
		n = MAX_COLS;
	p->ncols = n;
	for (size_t i = 0; i < n; i++)
		total += cols[i].width > 0 ? cols[i].width : 1;
	for (size_t i = 0; i < n; i++) {
		double share = cols[i].width > 0 ? cols[i].width : 1;
		p->col_w[i] = content_width(p) * share / total;
		p->col_right[i] = cols[i].right;
		p->col_header[i] = xstrdup(cols[i].header ? cols[i].header : "");
	}
	need(p, 48);
	draw_table_header(p);
	p->in_table = true;
}

void pdf_table_row(struct pdf *p, const char *const *cells)
{
	if (p->in_table)
		draw_row(p, cells, false);
}

void pdf_table_json_row(struct pdf *p, json_t *row)
{
	const char *cells[MAX_COLS] = { 0 };
	char *owned[MAX_COLS] = { 0 };
	for (size_t i = 0; i < p->ncols; i++) {
		json_t *v = json_array_get(row, i);
		if (json_is_string(v))
			cells[i] = json_string_value(v);
		else if (json_is_integer(v)) {
			owned[i] = xmalloc(24);
			snprintf(owned[i], 24, "%lld", (long long)json_integer_value(v));
			cells[i] = owned[i];
		} else if (json_is_boolean(v))
			cells[i] = json_is_true(v) ? "はい" : "いいえ";
	}
	pdf_table_row(p, cells);
	for (size_t i = 0; i < p->ncols; i++)
		free(owned[i]);
}

void pdf_table_end(struct pdf *p)
{
	if (!p->in_table)
		return;
	p->in_table = false;
	p->y += 8;
}

void pdf_table_json(struct pdf *p, json_t *headers, json_t *rows, const double *widths)
{
	struct pdf_column cols[MAX_COLS];
	size_t n = json_array_size(headers), i;
	json_t *row;
	if (n > MAX_COLS)
		n = MAX_COLS;
	for (i = 0; i < n; i++)
		cols[i] = (struct pdf_column){ json_string_value(json_array_get(headers, i)),
					       widths ? widths[i] : 1, false };
	pdf_table_begin(p, cols, n);
	json_array_foreach(rows, i, row)
	{
		pdf_table_json_row(p, row);
	}
	pdf_table_end(p);
}
