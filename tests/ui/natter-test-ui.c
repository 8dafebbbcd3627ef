/* natter-test-ui.c: helpers for tests that drive the real window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-test-ui.h"

#include <glib/gstdio.h>

/**
 * natter_test_ui_init:
 * @argc: main's argc
 * @argv: main's argv
 *
 * g_test_init() plus GTK, failing loudly when there is no display: the UI
 * suite runs under Xvfb (build-aux/test does that), never silently skipped.
 */
void
natter_test_ui_init (int    *argc,
                     char ***argv)
{
  g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));

  /* Isolate the user's directories (settings, database, keyrings), but keep
   * the system data dirs: without the shared MIME database gdk-pixbuf cannot
   * tell an SVG icon from any other file. */
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (data_dirs != NULL)
    g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
  else
    g_unsetenv ("XDG_DATA_DIRS");
  if (!gtk_init_check ())
    g_error ("no display: run the ui suite under xvfb-run (build-aux/test does)");
}

/**
 * natter_test_ui_spin:
 * @milliseconds: how long
 *
 * Runs the default main context for a while.
 */
void
natter_test_ui_spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  gboolean *painted = user_data;

  *painted = TRUE;
}

/**
 * natter_test_ui_wait_for_frame:
 * @widget: a widget in a window that is being shown
 *
 * Returns after the widget's window has painted a frame.
 */
void
natter_test_ui_wait_for_frame (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (widget));

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (painted);
}

/**
 * natter_test_ui_render:
 * @widget: a mapped widget
 *
 * Returns: (transfer full): the widget as its renderer draws it
 */
GdkTexture *
natter_test_ui_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/**
 * natter_test_ui_save_png:
 * @widget: a mapped widget
 * @name: a file name without extension
 *
 * Renders @widget into `screenshots/NAME.png` under the build's tests
 * directory, for people to look at, and checks the picture is not blank.
 *
 * Returns: (transfer full): the path of the PNG
 */
char *
natter_test_ui_save_png (GtkWidget  *widget,
                         const char *name)
{
  g_autoptr(GdkTexture) texture = natter_test_ui_render (widget);
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *directory = g_build_filename (builddir != NULL ? builddir : ".",
                                                "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  char *path = g_build_filename (directory, file, NULL);

  g_mkdir_with_parents (directory, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  /* A blank or single-colour window means nothing was drawn. */
  g_assert_cmpuint (natter_test_ui_count_colours (texture), >, 16);
  g_test_message ("screenshot: %s", path);

  return path;
}

/**
 * natter_test_ui_count_colours:
 * @texture: a texture
 *
 * Returns: how many distinct RGBA values the texture holds (up to 4096)
 */
guint
natter_test_ui_count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width && g_hash_table_size (colours) < 4096; x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, 4);
        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
      }

  return g_hash_table_size (colours);
}

/**
 * natter_test_ui_tick_cb:
 * @user_data: unused
 *
 * A timeout callback that does nothing but wake the main loop, for
 * NATTER_TEST_UI_WAIT().
 *
 * Returns: %G_SOURCE_CONTINUE
 */
gboolean
natter_test_ui_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  NatterTestUiAppFunc func;
  gpointer            user_data;
} RunData;

static gboolean
run_test_cb (gpointer user_data)
{
  RunData *data = user_data;
  GApplication *app = g_application_get_default ();

  data->func (app, data->user_data);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app,
             RunData      *data)
{
  g_idle_add (run_test_cb, data);
}

/**
 * natter_test_ui_run_application:
 * @app: an application, not yet run
 * @func: the test, run once the application is activated
 * @user_data: data for @func
 *
 * Runs @app with g_application_run() as users start it, calls @func after
 * activation, then quits the application through its quit action.
 *
 * Returns: g_application_run()'s exit status
 */
int
natter_test_ui_run_application (GApplication        *app,
                                NatterTestUiAppFunc  func,
                                gpointer             user_data)
{
  RunData data = { func, user_data };
  gulong handler;
  int status;

  handler = g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &data);
  status = g_application_run (app, 0, NULL);
  g_signal_handler_disconnect (app, handler);
  return status;
}

/**
 * natter_test_ui_find_window:
 * @type: a window type
 *
 * Returns: (transfer none) (nullable): a shown toplevel of @type, the most
 *   recently created if there are several
 */
GtkWindow *
natter_test_ui_find_window (GType type)
{
  g_autoptr(GListModel) toplevels = NULL;
  GtkWindow *found = NULL;

  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        found = window;
    }
  return found;
}

static gboolean
text_matches (GtkWidget  *widget,
              const char *text)
{
  if (text == NULL)
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget))
    return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text) == 0;
  if (GTK_IS_LABEL (widget))
    return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
  if (GTK_IS_BUTTON (widget))
    return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0;
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      g_autofree char *placeholder = NULL;

      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      return g_strcmp0 (placeholder, text) == 0;
    }
  return FALSE;
}

static void
collect (GtkWidget  *widget,
         GType       type,
         const char *text,
         GPtrArray  *found,
         gboolean    first_only)
{
  if (first_only && found->len > 0)
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && text_matches (widget, text))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, text, found, first_only);
}

/**
 * natter_test_ui_find_descendant:
 * @root: a widget
 * @type: the type to look for
 * @text: (nullable): the title of a row, the text of a label, the label
 *   of a button or the placeholder of a search entry to look for
 *
 * Returns: (transfer none) (nullable): the first widget under @root, in
 *   depth-first order, of @type and with @text
 */
GtkWidget *
natter_test_ui_find_descendant (GtkWidget  *root,
                                GType       type,
                                const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (root, type, text, found, TRUE);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

/**
 * natter_test_ui_find_all:
 * @root: a widget
 * @type: the type to look for
 *
 * Returns: (transfer container) (element-type GtkWidget): every widget of
 *   @type under @root, @root included
 */
GPtrArray *
natter_test_ui_find_all (GtkWidget *root,
                         GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, NULL, found, FALSE);
  return found;
}

/**
 * natter_test_ui_save_screens:
 * @window: a shown window
 * @name: the base name of the pictures
 * @height: the height to show the window at
 *
 * Renders @window 360 and 1200 pixels wide, in light and dark style, into
 * `NAME-{360,1200}-{light,dark}.png`, each checked not to be blank.  The
 * style and size are left as they were.
 */
void
natter_test_ui_save_screens (GtkWindow  *window,
                             const char *name,
                             int         height)
{
  static const int widths[] = { 360, 1200 };
  AdwStyleManager *style = adw_style_manager_get_default ();
  AdwColorScheme scheme = adw_style_manager_get_color_scheme (style);
  int old_width;
  int old_height;

  gtk_window_get_default_size (window, &old_width, &old_height);
  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (guint dark = 0; dark < 2; dark++)
      {
        g_autofree char *file = g_strdup_printf ("%s-%d-%s", name, widths[w],
                                                 dark ? "dark" : "light");

        adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                        : ADW_COLOR_SCHEME_FORCE_LIGHT);
        gtk_window_set_default_size (window, widths[w], height);
        /* Under Xvfb there is no compositor, so GTK draws a solid frame
         * of a few pixels inside the size asked for. */
        NATTER_TEST_UI_WAIT (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - widths[w]) <= 16,
                             10);
        /* Let transitions (leaflet folding, style changes) settle. */
        natter_test_ui_spin (300);
        natter_test_ui_wait_for_frame (GTK_WIDGET (window));
        g_free (natter_test_ui_save_png (GTK_WIDGET (window), file));
      }
  adw_style_manager_set_color_scheme (style, scheme);
  gtk_window_set_default_size (window, old_width, old_height);
}
