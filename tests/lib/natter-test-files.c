/* natter-test-files.c: scratch directories of test fixtures
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-test-files.h"

#include <glib/gstdio.h>

/**
 * natter_test_remove_tree:
 * @path: a directory a fixture made
 *
 * Removes @path and everything under it; symbolic links are removed, not
 * followed.  Best effort: what cannot be removed stays.
 */
void
natter_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        natter_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
