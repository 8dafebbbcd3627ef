/* replay.c: run a libFuzzer target over its corpus without libFuzzer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked with one fuzz-NAME.c, this is the `fuzz` test suite's executable:
 * every file in the directories (or the files) given on the command line is
 * fed to LLVMFuzzerTestOneInput once, so a crash found by fuzzing and added
 * to the corpus stays fixed.  Under -Db_sanitize=address,undefined the same
 * replay catches memory errors.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static guint
replay_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint count = 0;

      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      /* A fixed order makes a failure reproducible from the log. */
      g_ptr_array_sort (names, compare_paths);
      for (guint i = 0; i < names->len; i++)
        count += replay_path (g_ptr_array_index (names, i));
      return count;
    }

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  g_debug ("replaying %s (%" G_GSIZE_FORMAT " bytes)", path, length);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s CORPUS-DIR-OR-FILE…\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    count += replay_path (argv[i]);

  if (count == 0)
    {
      g_printerr ("no corpus entries found: a replay that runs nothing proves nothing\n");
      return 1;
    }
  g_print ("replayed %u inputs cleanly\n", count);
  return 0;
}
