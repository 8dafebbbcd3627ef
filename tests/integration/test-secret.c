/* test-secret.c: passwords go to a real Secret Service and come back
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/test runs this inside a private D-Bus session with an unlocked
 * gnome-keyring; nothing touches the user's own keyring.
 */
#include "config.h"

#include "core/core.h"

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Waiter;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static GAsyncResult *
wait_for (Waiter *waiter)
{
  g_main_loop_run (waiter->loop);
  return waiter->result;
}

static gboolean
store (const char  *jid,
       const char  *password,
       GError     **error)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  gboolean ok;

  natter_secret_store_async (jid, password, NULL, done_cb, &waiter);
  ok = natter_secret_store_finish (wait_for (&waiter), error);
  g_object_unref (waiter.result);
  g_main_loop_unref (waiter.loop);
  return ok;
}

static char *
lookup (const char  *jid,
        GError     **error)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  char *password;

  natter_secret_lookup_async (jid, NULL, done_cb, &waiter);
  password = natter_secret_lookup_finish (wait_for (&waiter), error);
  g_object_unref (waiter.result);
  g_main_loop_unref (waiter.loop);
  return password;
}

static gboolean
clear (const char  *jid,
       GError     **error)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  gboolean ok;

  natter_secret_clear_async (jid, NULL, done_cb, &waiter);
  ok = natter_secret_clear_finish (wait_for (&waiter), error);
  g_object_unref (waiter.result);
  g_main_loop_unref (waiter.loop);
  return ok;
}

static void
test_store_lookup_replace_clear (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  g_assert_true (store ("alice@natter.test", "first secret", &error));
  g_assert_no_error (error);
  g_assert_true (store ("bob@natter.test", "bob's secret", &error));
  g_assert_no_error (error);

  password = lookup ("alice@natter.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first secret");
  natter_secret_free (password);

  /* Storing again replaces, it does not add a second item. */
  g_assert_true (store ("alice@natter.test", "second secret", &error));
  password = lookup ("alice@natter.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "second secret");
  natter_secret_free (password);

  g_assert_true (clear ("alice@natter.test", &error));
  g_assert_no_error (error);
  password = lookup ("alice@natter.test", &error);
  g_assert_no_error (error);
  g_assert_null (password);

  /* Other accounts are untouched. */
  password = lookup ("bob@natter.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "bob's secret");
  natter_secret_free (password);
  g_assert_true (clear ("bob@natter.test", &error));

  /* Clearing what is not there is fine. */
  g_assert_true (clear ("nobody@natter.test", &error));
  g_assert_no_error (error);
}

static void
test_no_secret_service_is_reported (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      char *password;

      /* A session bus that does not exist: no Secret Service can answer. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/natter-test-bus", TRUE);
      password = lookup ("alice@natter.test", &error);
      g_assert_null (password);
      g_assert_error (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE);
      g_clear_error (&error);
      g_assert_false (store ("alice@natter.test", "secret", &error));
      g_assert_error (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE);
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/core/secret/store-lookup-replace-clear", test_store_lookup_replace_clear);
  g_test_add_func ("/natter/core/secret/no-secret-service-is-reported", test_no_secret_service_is_reported);

  return g_test_run ();
}
