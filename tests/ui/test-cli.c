/* test-cli.c: `natter --add-account` for the running instance and the next start
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real program, built by meson (NATTER_BIN), with the password
 * on its standard input, against the Prosody fixture.
 */
#include "config.h"

#include <string.h>

#include "ui/ui.h"

#include "natter-test-server.h"
#include "natter-test-ui.h"

#define TIMEOUT 60

typedef struct
{
  NatterTestServer *server;
} Fixture;

typedef struct
{
  gboolean  done;
  int       status;
  char     *out;
  char     *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "alice", "wonderland", &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "bob", "builder", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Result *outcome = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result,
                                        &outcome->out, &outcome->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (G_SUBPROCESS (object)));
  outcome->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  outcome->done = TRUE;
}

/* Runs natter with @arguments and @input on its standard input, spinning
 * the main loop meanwhile (the running instance may be this process). */
static void
run_natter (const char * const *arguments,
            const char         *input,
            Result             *result)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *program = g_getenv ("NATTER_BIN");

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (gpointer) program);
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) arguments[i]);
  g_ptr_array_add (argv, NULL);

  /* GTest isolates this test's directories inside the process only; the
   * environment points at /dev/null.  The program shares them. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, input, NULL, communicated_cb, result);
  NATTER_TEST_UI_WAIT (result->done, TIMEOUT);
  g_test_message ("natter exited with %d\nstdout: %s\nstderr: %s",
                  result->status, result->out, result->err);
}

static void
add_account_arguments (Fixture    *fixture,
                       const char *jid,
                       GStrvBuilder *builder)
{
  g_autofree char *port = g_strdup_printf ("%u", natter_test_server_get_port (fixture->server));

  g_strv_builder_add_many (builder,
                           "--add-account", jid,
                           "--host", "127.0.0.1",
                           "--port", port,
                           "--pin-certificate",
                           natter_test_server_get_fingerprint (fixture->server),
                           "--password-stdin",
                           NULL);
}

static void
run_add_account (Fixture    *fixture,
                 const char *jid,
                 const char *password,
                 Result     *result)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) arguments = NULL;
  g_autofree char *input = g_strconcat (password, "\n", NULL);

  add_account_arguments (fixture, jid, builder);
  arguments = g_strv_builder_end (builder);
  run_natter ((const char * const *) arguments, input, result);
}

static gboolean
is_online (NatterAccount *account)
{
  return account != NULL && natter_account_get_state (account) == NATTER_ACCOUNT_STATE_ONLINE;
}

/* ------------------------------------------------------------------------
 * The running instance
 * ------------------------------------------------------------------------ */

static void
running_instance (GApplication *app,
                  gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterAccount *account;
  g_auto(Result) added = { 0, };
  g_auto(Result) wrong = { 0, };
  g_auto(Result) again = { 0, };
  g_auto(Result) bad_pin = { 0, };
  g_autofree char *port = g_strdup_printf ("%u", natter_test_server_get_port (fixture->server));

  g_assert_false (g_application_get_is_remote (app));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 0);

  run_add_account (fixture, "alice@" NATTER_TEST_DOMAIN, "wonderland", &added);
  g_assert_cmpint (added.status, ==, 0);
  g_assert_nonnull (strstr (added.out, "Added the account alice@" NATTER_TEST_DOMAIN));
  account = natter_account_list_lookup (accounts, "alice@" NATTER_TEST_DOMAIN);
  g_assert_nonnull (account);
  g_assert_true (is_online (account));
  /* The password went over stdin and D-Bus, never on a command line. */
  g_assert_null (strstr (added.out, "wonderland"));
  g_assert_null (strstr (added.err, "wonderland"));

  /* A wrong password: the specific error, status 1, and nothing kept. */
  run_add_account (fixture, "bob@" NATTER_TEST_DOMAIN, "not the password", &wrong);
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "natter: bob@" NATTER_TEST_DOMAIN
                                       ": The user name or password is wrong"));
  g_assert_null (natter_account_list_lookup (accounts, "bob@" NATTER_TEST_DOMAIN));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  /* An account that is set up already. */
  run_add_account (fixture, "alice@" NATTER_TEST_DOMAIN, "wonderland", &again);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_nonnull (strstr (again.err, "set up already"));
  g_assert_true (is_online (account));

  /* A fingerprint that is not one, refused before anything is stored. */
  {
    const char *arguments[] = {
      "--add-account", "bob@" NATTER_TEST_DOMAIN, "--host", "127.0.0.1", "--port", port,
      "--pin-certificate", "12:34", "--password-stdin", NULL
    };

    run_natter (arguments, "builder\n", &bad_pin);
    g_assert_cmpint (bad_pin.status, ==, 1);
    g_assert_nonnull (strstr (bad_pin.err, "SHA-256"));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);
  }
}

static void
test_running_instance (Fixture       *fixture,
                       gconstpointer  data)
{
  NatterApplication *app = natter_application_new ();

  /* Unique, as users run it: the second natter finds this one on D-Bus. */
  g_assert_cmpint (natter_test_ui_run_application (G_APPLICATION (app), running_instance, fixture),
                   ==, 0);
  g_assert_finalize_object (app);
}

/* ------------------------------------------------------------------------
 * The next start
 * ------------------------------------------------------------------------ */

static void
next_start (GApplication *app,
            gpointer      user_data)
{
  gboolean saved = GPOINTER_TO_INT (user_data);
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterAccount *account;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);
  account = natter_account_list_lookup (accounts, "alice@" NATTER_TEST_DOMAIN);
  g_assert_nonnull (account);
  if (saved)
    {
      /* The password comes from the keyring, where the first run put it. */
      NATTER_TEST_UI_WAIT (is_online (account), TIMEOUT);
    }
  else
    {
      /* The first run said the keyring was not there: the account asks. */
      NATTER_TEST_UI_WAIT (natter_account_get_state (account) ==
                           NATTER_ACCOUNT_STATE_NEEDS_PASSWORD, TIMEOUT);
    }
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  int *found = user_data;
  g_autoptr(GError) error = NULL;
  char *password = natter_secret_lookup_finish (result, &error);

  *found = password != NULL ? 1 : 0;
  natter_secret_free (password);
}

static gboolean
password_in_keyring (const char *jid)
{
  int found = -1;

  natter_secret_lookup_async (jid, NULL, looked_up_cb, &found);
  NATTER_TEST_UI_WAIT (found >= 0, TIMEOUT);
  return found == 1;
}

static void
test_next_start (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(Result) added = { 0, };
  g_auto(Result) wrong = { 0, };
  NatterApplication *app;
  gboolean saved;

  /* No instance runs: the program adds the account itself, and exits. */
  run_add_account (fixture, "alice@" NATTER_TEST_DOMAIN, "wonderland", &added);
  g_assert_cmpint (added.status, ==, 0);
  g_assert_nonnull (strstr (added.out, "Added the account alice@" NATTER_TEST_DOMAIN));

  run_add_account (fixture, "bob@" NATTER_TEST_DOMAIN, "not the password", &wrong);
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "The user name or password is wrong"));

  /* build-aux/test-session provides a keyring; should it be gone, the
   * program must have said so. */
  saved = strstr (added.err, "could not be saved in a keyring") == NULL;
  if (!saved)
    g_test_message ("no keyring: the account is expected to ask for its password");

  /* build-aux/test-session's keyring is shared by the session: if it was
   * replaced since (another session ending kills every keyring daemon of
   * the user), the stored password is gone through no fault of ours. */
  if (saved && !password_in_keyring ("alice@" NATTER_TEST_DOMAIN))
    {
      g_test_skip ("the keyring lost the password it had stored; was it restarted?");
      return;
    }

  app = natter_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_cmpint (natter_test_ui_run_application (G_APPLICATION (app), next_start,
                                                   GINT_TO_POINTER (saved)),
                   ==, 0);
  g_assert_finalize_object (app);
}

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

static void
test_help (void)
{
  const char *arguments[] = { "--help", NULL };
  g_auto(Result) result = { 0, };

  run_natter (arguments, NULL, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "--add-account=JID"));
  g_assert_nonnull (strstr (result.out, "--host=HOST"));
  g_assert_nonnull (strstr (result.out, "--port=PORT"));
  g_assert_nonnull (strstr (result.out, "--direct-tls"));
  g_assert_nonnull (strstr (result.out, "--pin-certificate=SHA256"));
  g_assert_nonnull (strstr (result.out, "--password-stdin"));
  g_assert_nonnull (strstr (result.out, "Read the password from the first line of standard input"));
  g_assert_nonnull (strstr (result.out, "natter --add-account JID"));
}

static void
test_bad_options (void)
{
  static const struct {
    const char *arguments[8];
    const char *input;
    const char *message;
  } cases[] = {
    { { "--port", "5222", NULL }, NULL, "--port goes with --add-account" },
    { { "--add-account", "alice@example.org", NULL }, "secret\n", "needs --password-stdin" },
    { { "--add-account", "alice@example.org", "--port", "5222", "--password-stdin", NULL },
      "secret\n", "--port goes with --host" },
    { { "--add-account", "alice@example.org", "--host", "localhost", "--port", "70000",
        "--password-stdin", NULL }, "secret\n", "not between 1 and 65535" },
    { { "--add-account", "alice@example.org", "--password-stdin", NULL }, "", "No password" },
    { { "--add-account", "alice@example.org", "--password-stdin", NULL }, "\n", "No password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Result) result = { 0, };

      run_natter (cases[i].arguments, cases[i].input, &result);
      g_assert_cmpint (result.status, ==, 1);
      g_assert_nonnull (strstr (result.err, cases[i].message));
    }
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add ("/natter/ui/cli/add-account/running-instance", Fixture, NULL,
              fixture_set_up, test_running_instance, fixture_tear_down);
  g_test_add ("/natter/ui/cli/add-account/next-start", Fixture, NULL,
              fixture_set_up, test_next_start, fixture_tear_down);
  g_test_add_func ("/natter/ui/cli/help", test_help);
  g_test_add_func ("/natter/ui/cli/bad-options", test_bad_options);

  return g_test_run ();
}
