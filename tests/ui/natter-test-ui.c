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
  g_autofree char *directory = g_build_filename (builddir != NULL ? builddir : ".", "screenshots", NULL);
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
