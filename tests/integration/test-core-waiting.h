/* test-core-waiting.h: waiting on the main loop in the core's integration tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test file defines WAIT_S, its patience in seconds, before it uses
 * WAIT_FOR.
 */
#pragma once

#include <gio/gio.h>

/* Spins the main loop until @condition holds, failing the test with
 * @what after @seconds. */
#define WAIT_FOR_S(condition, seconds, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC; \
    while (!(condition) && g_get_monotonic_time () < deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!(condition)) \
      g_error ("timed out waiting for %s", what); \
  } G_STMT_END

#define WAIT_FOR(condition, what) WAIT_FOR_S (condition, WAIT_S, what)

/* A timeout source with this callback keeps the loop waking up, so
 * conditions that change without an event are seen. */
static inline gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop for @milliseconds. */
static inline void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * (gint64) 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

/* The result of an async call, for a test that waits for it. */
typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static inline void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}
