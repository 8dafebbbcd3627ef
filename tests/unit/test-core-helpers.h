/* test-core-helpers.h: the test environment of the core, and a GListModel checker
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Included by the core's unit and integration tests.
 *
 * The checker keeps
 * its own copy of the model's items and applies each ::items-changed to
 * it; after each one the copy must equal the model item for item (same
 * objects), so a signal with a wrong position or count, a change made
 * without a signal, or an empty signal fails the test at once.
 */
#pragma once

#include <gio/gio.h>

/**
 * test_core_init:
 *
 * g_test_init() with isolated user directories, so each test has its own
 * database.  GLib isolates the system data directories as well, before
 * each test and without a way back, and glib-networking's GNOME proxy
 * resolver then finds no GSettings schema and aborts the first
 * connection; tests connect to 127.0.0.1 only, so they use GIO's direct
 * (dummy) proxy resolver instead.
 */
static inline void
test_core_init (int    *argc,
                char ***argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

typedef struct
{
  GListModel *model;
  GPtrArray  *shadow;      /* GObject *, references */
  gulong      handler_id;
  guint       n_signals;
} ModelChecker;

static inline void
model_checker_verify (ModelChecker *checker)
{
  guint n = g_list_model_get_n_items (checker->model);
  GType type = g_list_model_get_item_type (checker->model);
  gpointer beyond;

  g_assert_cmpuint (checker->shadow->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      GObject *item = g_list_model_get_item (checker->model, i);

      g_assert_nonnull (item);
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (item, type));
      g_assert_true (item == g_ptr_array_index (checker->shadow, i));
      g_object_unref (item);
    }
  beyond = g_list_model_get_item (checker->model, n);
  g_assert_null (beyond);
}

static inline void
model_checker_items_changed_cb (GListModel   *model,
                                guint         position,
                                guint         removed,
                                guint         added,
                                ModelChecker *checker)
{
  /* Nothing happened is not a change. */
  g_assert_cmpuint (removed + added, >, 0);
  g_assert_cmpuint (position + removed, <=, checker->shadow->len);

  if (removed > 0)
    g_ptr_array_remove_range (checker->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (checker->shadow, position + i, g_list_model_get_item (model, position + i));

  checker->n_signals++;
  model_checker_verify (checker);
}

static inline ModelChecker *
model_checker_new (GListModel *model)
{
  ModelChecker *checker = g_new0 (ModelChecker, 1);
  guint n = g_list_model_get_n_items (model);

  checker->model = g_object_ref (model);
  checker->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (checker->shadow, g_list_model_get_item (model, i));
  checker->handler_id = g_signal_connect (model, "items-changed",
                                          G_CALLBACK (model_checker_items_changed_cb), checker);
  return checker;
}

static inline void
model_checker_free (ModelChecker *checker)
{
  model_checker_verify (checker);
  g_clear_signal_handler (&checker->handler_id, checker->model);
  g_ptr_array_unref (checker->shadow);
  g_object_unref (checker->model);
  g_free (checker);
}
