/* test-profanity-omemo.c: OMEMO between Natter and Profanity 0.13 on the test Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Natter (alice, through the core: account, OMEMO, conversations and the
 * messaging pipeline) and Profanity (pat, libsignal-protocol-c, legacy
 * OMEMO `eu.siacs.conversations.axolotl`) talk through the fixture's
 * Prosody.  Profanity runs in a detached tmux session of its own (private
 * socket, HOME and XDG directories); the test types into it with
 * `send-keys` and reads it with `capture-pane`, and reads its chatlog.db,
 * its OMEMO identity file and its debug log.
 *
 * Two orders, because the first message of a session is the one that
 * carries the X3DH pre-key message:
 *  - natter-first: Natter encrypts to Profanity's bundle, Profanity answers
 *    on the session Natter started, Natter writes once more;
 *  - profanity-first: Profanity builds the session from Natter's bundle,
 *    Natter answers, Profanity writes once more.
 * Each checks that both sides read every message (Profanity: on its
 * screen and in its chatlog.db as `omemo`; Natter: in the conversation's
 * message list, as OMEMO, from Profanity's device id), and that the
 * fingerprints each side shows for the other agree with the other's own
 * (Profanity's is also checked against the key in its identity file).
 * profanity-first ends with a message Profanity writes while Natter is
 * offline, which Natter must decrypt when it catches up.  Natter writes
 * "ü" and Profanity types "ünïcödé", so UTF-8 crosses both ways.
 *
 * Profanity's own quirks that shape the script: on a fresh account it
 * announces its device only after `/omemo clear_device_list`; it encrypts
 * only to devices trusted with `/omemo trust`, which takes a fingerprint
 * in its grouped form; a GLib critical it emits on login aborts it under
 * the tests' G_DEBUG=fatal-criticals, so it runs with a clean
 * environment.
 *
 * Exits with 77 (skipped) when tmux or profanity is not installed, or
 * profanity was built without OMEMO.  Every
 * wait has a deadline; on a timeout the test prints Profanity's screen and
 * the end of its log and of Prosody's before it fails.  Profanity's
 * directory is kept after a failure, or always with
 * NATTER_TEST_KEEP_PROFANITY set.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"

#include "natter-test-server.h"
#include "natter-test-files.h"
#include "../unit/test-core-helpers.h"
#include "../integration/test-core-waiting.h"

#define WAIT_S 30
/* Key generation and the first bundle round trips on a loaded machine. */
#define SLOW_WAIT_S 90
#define HOST NATTER_TEST_DOMAIN
#define ALICE "alice@" HOST
#define PAT "pat@" HOST
#define PASSWORD "secret"
#define SESSION "natter"

typedef struct
{
  NatterTestServer       *server;
  GTlsDatabase           *database;
  guint                   tick;

  /* Natter: alice */
  NatterStore            *store;
  NatterAccountList      *accounts;
  NatterConversationList *conversations;
  NatterMessaging        *messaging;
  NatterAccount          *account;
  NatterOmemo            *omemo;
  char                   *alice_fingerprint;   /* 64 lowercase hex digits */

  /* Profanity: pat */
  char                   *root;                /* its HOME and XDG directories */
  char                   *socket;              /* tmux -S */
  char                   *data_dir;            /* $XDG_DATA_HOME/profanity */
  gboolean                started;
  guint32                 pat_device_id;
  char                   *pat_fingerprint;     /* 64 lowercase hex digits */
} Fixture;

/* Failing, with what a CI log needs to say why */

static char *tmux_capture (Fixture *fixture);

static char *
file_tail (const char *path,
           gsize       max_bytes)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL || !g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("(none)");
  if (length > max_bytes)
    {
      const char *start = contents + length - max_bytes;
      const char *newline = strchr (start, '\n');

      return g_strdup (newline != NULL ? newline + 1 : start);
    }
  return g_steal_pointer (&contents);
}

static void
dump_state (Fixture *fixture)
{
  if (fixture->started)
    {
      g_autofree char *pane = tmux_capture (fixture);
      g_autofree char *log_path = g_build_filename (fixture->data_dir, "logs", "profanity.log",
                                                    NULL);
      g_autofree char *log = file_tail (log_path, 6000);
      g_auto(GStrv) lines = g_strsplit (pane != NULL ? pane : "(gone)", "\n", -1);

      g_printerr ("\n----- Profanity's screen -----\n");
      for (guint i = 0; lines[i] != NULL; i++)
        if (*g_strchomp (lines[i]) != '\0')
          g_printerr ("%s\n", lines[i]);
      g_printerr ("----- end of Profanity's log (%s) -----\n%s\n", log_path, log);
      /* The test aborts next, so nothing removes it. */
      g_printerr ("----- Profanity's directory, kept: %s -----\n", fixture->root);
    }
  if (fixture->server != NULL)
    {
      g_autofree char *log_path = g_build_filename (natter_test_server_get_directory (fixture->server),
                                                    "prosody.log", NULL);
      g_autofree char *log = file_tail (log_path, 3000);

      g_printerr ("----- end of Prosody's log -----\n%s\n", log);
    }
}

static void fail (Fixture    *fixture,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3) G_GNUC_NORETURN;

static void
fail (Fixture    *fixture,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  dump_state (fixture);
  g_error ("%s", message);
}

/* Spins the main loop until @condition holds; after @seconds, fails with
 * @what and Profanity's state. */
#define WAIT_OR_FAIL_S(fixture, condition, seconds, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC; \
    while (!(condition) && g_get_monotonic_time () < deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!(condition)) \
      fail ((fixture), "timed out waiting for %s", (what)); \
  } G_STMT_END

#define WAIT_OR_FAIL(fixture, condition, what) WAIT_OR_FAIL_S (fixture, condition, WAIT_S, what)

/* Small helpers */

/* The hex digits of @text, lowercase: fingerprints compare whatever
 * grouping each client prints. */
static char *
hex_only (const char *text)
{
  GString *hex = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (hex, g_ascii_tolower (*p));
  return g_string_free (hex, FALSE);
}

/* @hex in Profanity's format: groups of 8 joined by '-'.  (Profanity
 * 0.13.1 copies an ungrouped fingerprint given to /omemo trust into a
 * buffer one byte short, so it gets the grouped form.) */
static char *
profanity_format (const char *hex)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 8 == 0)
        g_string_append_c (text, '-');
      g_string_append_c (text, hex[i]);
    }
  return g_string_free (text, FALSE);
}

static char *
random_token (void)
{
  return g_strdup_printf ("%08x", g_random_int ());
}

/* tmux */

/* Runs `tmux -S SOCKET ARGS…` and returns its standard output, or %NULL
 * with @error set. */
static char *
tmux_run (Fixture     *fixture,
          GError     **error,
          const char  *first_arg,
          ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "tmux");
  g_ptr_array_add (argv, (gpointer) "-u");
  g_ptr_array_add (argv, (gpointer) "-f");
  g_ptr_array_add (argv, (gpointer) "/dev/null");
  g_ptr_array_add (argv, (gpointer) "-S");
  g_ptr_array_add (argv, fixture->socket);
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Not a client of whatever tmux the developer runs the tests in. */
  g_subprocess_launcher_unsetenv (launcher, "TMUX");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (process == NULL)
    return NULL;
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "tmux %s failed: %s", first_arg,
                   err != NULL ? err : "");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* What Profanity shows, wrapped lines joined; %NULL once it is gone. */
static char *
tmux_capture (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *pane = tmux_run (fixture, &error, "capture-pane", "-p", "-J", "-t", SESSION, NULL);

  if (pane == NULL)
    g_printerr ("capture-pane: %s\n", error->message);
  return pane;
}

/* Whether Profanity has exited; its exit status in @status. */
static gboolean
profanity_exited (Fixture *fixture,
                  int     *status)
{
  g_autofree char *out = tmux_run (fixture, NULL, "display-message", "-p", "-t", SESSION,
                                   "#{pane_dead} #{pane_dead_status}", NULL);

  *status = -1;
  if (out == NULL)
    return TRUE;   /* no pane at all */
  if (out[0] != '1')
    return FALSE;
  *status = atoi (out + 1);
  return TRUE;
}

/* Types @text into Profanity and presses Enter. */
static void
profanity_type (Fixture    *fixture,
                const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_test_message ("profanity< %s", text);
  out = tmux_run (fixture, &error, "send-keys", "-t", SESSION, "-l", text, NULL);
  if (out != NULL)
    {
      g_free (out);
      out = tmux_run (fixture, &error, "send-keys", "-t", SESSION, "Enter", NULL);
    }
  if (out == NULL)
    fail (fixture, "typing into Profanity: %s", error->message);
}

/* Spins the main loop until Profanity's screen shows @needle; returns the
 * screen.  After @seconds, fails with @what. */
static char *
profanity_wait_for (Fixture    *fixture,
                    const char *needle,
                    guint       seconds,
                    const char *what)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *pane = tmux_capture (fixture);
      int status;

      if (pane != NULL && strstr (pane, needle) != NULL)
        return g_steal_pointer (&pane);
      if (profanity_exited (fixture, &status))
        fail (fixture, "Profanity exited (status %d) while the test waited for %s",
              status, what);
      if (g_get_monotonic_time () >= deadline)
        fail (fixture, "timed out after %u s waiting for %s (\"%s\" on Profanity's screen)",
              seconds, what, needle);
      spin (100);
    }
}

/* Types @command and waits until the screen shows @answer. */
static char *
profanity_command (Fixture    *fixture,
                   const char *command,
                   const char *answer,
                   guint       seconds)
{
  profanity_type (fixture, command);
  return profanity_wait_for (fixture, answer, seconds, command);
}

/* Whether a line of Profanity's debug log holds @needle, and @also
 * unless it is %NULL. */
static gboolean
profanity_log_has (Fixture    *fixture,
                   const char *needle,
                   const char *also)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "logs", "profanity.log", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL && (also == NULL || strstr (lines[i], also) != NULL))
      return TRUE;
  return FALSE;
}

/* Whether Profanity's chatlog.db holds an OMEMO message from @from with
 * @body.  Read as immutable, which takes no lock: Profanity writes
 * without a busy timeout, so a reader holding the database for a moment
 * makes it drop the row it was writing ("database is locked").  A read
 * that meets a write halfway fails or misses, and the caller asks again. */
static gboolean
profanity_logged (Fixture    *fixture,
                  const char *from,
                  const char *body)
{
  g_autofree char *dir_name = g_strconcat ("pat_at_", HOST, NULL);
  g_autofree char *path = g_build_filename (fixture->data_dir, "database", dir_name,
                                            "chatlog.db", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *immutable = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  gboolean found = FALSE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  uri = g_filename_to_uri (path, NULL, NULL);
  if (uri == NULL)
    return FALSE;
  immutable = g_strconcat (uri, "?immutable=1", NULL);
  if (sqlite3_open_v2 (immutable, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_prepare_v2 (db,
                          "SELECT 1 FROM ChatLogs WHERE from_jid = ?1 AND message = ?2"
                          " AND encryption = 'omemo'",
                          -1, &statement, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_text (statement, 1, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, body, -1, SQLITE_STATIC);
  found = sqlite3_step (statement) == SQLITE_ROW;

out:
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return found;
}

/* Starts Profanity in a tmux session of its own.  A watchdog beside it
 * kills that tmux server once this test process is gone, so a test that
 * aborts leaves nothing behind. */
static void
profanity_start (Fixture *fixture)
{
  static const char *subdirs[] = { "home", "data", "config", "cache", "state", "run" };
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *quoted_socket = NULL;
  /* A clean environment: nothing of the test's (G_DEBUG=fatal-criticals,
   * MALLOC_CHECK_, sanitizer options, the display) reaches Profanity. */
  GString *env = g_string_new ("env -i");

  fixture->root = g_dir_make_tmp ("natter-profanity-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (fixture->root, subdirs[i], NULL);

      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    }
  fixture->socket = g_build_filename (fixture->root, "tmux.sock", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "data", "profanity", NULL);

  {
    static const char *vars[][2] = {
      { "HOME", "home" }, { "XDG_DATA_HOME", "data" }, { "XDG_CONFIG_HOME", "config" },
      { "XDG_CACHE_HOME", "cache" }, { "XDG_STATE_HOME", "state" },
      { "XDG_RUNTIME_DIR", "run" },
    };
    g_autofree char *search_path = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
      {
        g_autofree char *path = g_build_filename (fixture->root, vars[i][1], NULL);
        g_autofree char *quoted = g_shell_quote (path);

        g_string_append_printf (env, " %s=%s", vars[i][0], quoted);
      }
    search_path = g_shell_quote (g_getenv ("PATH") != NULL ? g_getenv ("PATH") : "/usr/bin:/bin");
    g_string_append_printf (env, " PATH=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen", search_path);
  }

  quoted_socket = g_shell_quote (fixture->socket);
  command = g_strdup_printf ("(while kill -0 %d 2>/dev/null; do sleep 1; done;"
                             " tmux -S %s kill-server) </dev/null >/dev/null 2>&1 &"
                             " exec %s profanity -l DEBUG",
                             (int) getpid (), quoted_socket, env->str);
  g_string_free (env, TRUE);

  /* remain-on-exit: should Profanity crash, its last screen and exit
   * status stay there for the failure report. */
  out = tmux_run (fixture, &error, "set-option", "-g", "remain-on-exit", "on", ";",
                  "new-session", "-d", "-s", SESSION, "-x", "250", "-y", "80",
                  "sh", "-c", command, NULL);
  if (out == NULL)
    g_error ("could not start Profanity in tmux: %s", error->message);
  fixture->started = TRUE;
  g_free (profanity_wait_for (fixture, "Type '/help' to show complete help.", WAIT_S,
                              "Profanity to start"));
}

/* Profanity: pat online through STARTTLS, trusting the test certificate. */
static void
profanity_connect (Fixture *fixture)
{
  g_autofree char *port = g_strdup_printf ("/account set pat port %u",
                                           natter_test_server_get_port (fixture->server));

  g_free (profanity_command (fixture, "/account add pat", "Account created.", WAIT_S));
  g_free (profanity_command (fixture, "/account set pat jid " PAT,
                             "Updated jid for account pat: " PAT, WAIT_S));
  g_free (profanity_command (fixture, "/account set pat server 127.0.0.1",
                             "Updated server for account pat: 127.0.0.1", WAIT_S));
  g_free (profanity_command (fixture, port, "Updated port for account pat", WAIT_S));
  g_free (profanity_command (fixture, "/account set pat tls trust",
                             "Updated TLS policy for account pat: trust", WAIT_S));
  g_free (profanity_command (fixture, "/account set pat password " PASSWORD,
                             "Updated password for account pat", WAIT_S));
  g_free (profanity_command (fixture, "/connect pat", "logged in successfully", WAIT_S));
}

/* Profanity: OMEMO keys made and the device announced; pat's device id
 * and fingerprint as Profanity's files and screen give them. */
static void
profanity_omemo_setup (Fixture *fixture)
{
  g_autoptr(GKeyFile) identity = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir_name = g_strconcat ("pat_at_", HOST, NULL);
  g_autofree char *identity_path = g_build_filename (fixture->data_dir, "omemo", dir_name,
                                                     "identity.txt", NULL);
  g_autofree char *public_b64 = NULL;
  g_autofree guint8 *public_key = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *pane = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *key_hex = NULL;
  g_autoptr(GString) hex = g_string_new (NULL);
  const char *line;
  gsize length = 0;
  guint64 device_id;

  g_free (profanity_command (fixture, "/omemo gen", "OMEMO crytographic materials generated",
                             SLOW_WAIT_S));
  g_free (profanity_command (fixture, "/omemo clear_device_list",
                             "Going to publish own device ID", WAIT_S));

  g_assert_true (g_key_file_load_from_file (identity, identity_path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  device_id = g_key_file_get_uint64 (identity, "identity", "device_id", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (device_id, >, 0);
  g_assert_cmpuint (device_id, <=, G_MAXUINT32);
  fixture->pat_device_id = (guint32) device_id;
  public_b64 = g_key_file_get_string (identity, "identity", "identity_key_public", &error);
  g_assert_no_error (error);
  public_key = g_base64_decode (public_b64, &length);
  g_assert_cmpuint (length, ==, 33);
  g_assert_cmpuint (public_key[0], ==, 0x05);
  for (gsize i = 1; i < length; i++)
    g_string_append_printf (hex, "%02x", public_key[i]);
  key_hex = g_strdup (hex->str);

  needle = g_strdup_printf ("Going to publish own device ID: %u", fixture->pat_device_id);
  g_free (profanity_wait_for (fixture, needle, WAIT_S, "the device id on the screen"));

  pane = profanity_command (fixture, "/omemo fingerprint", "Your OMEMO fingerprint: ", WAIT_S);
  line = strstr (pane, "Your OMEMO fingerprint: ") + strlen ("Your OMEMO fingerprint: ");
  shown = g_strndup (line, 71);   /* 8 groups of 8 and 7 dashes */
  fixture->pat_fingerprint = hex_only (shown);
  g_test_message ("Profanity: device %u, fingerprint %s", fixture->pat_device_id,
                  fixture->pat_fingerprint);
  /* What Profanity shows is its identity key. */
  if (g_strcmp0 (fixture->pat_fingerprint, key_hex) != 0)
    fail (fixture, "Profanity shows fingerprint %s, its identity key is %s",
          fixture->pat_fingerprint, key_hex);
}

/* Natter */

static void
natter_start (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "alice.db", NULL);
  g_autofree char *own = NULL;
  g_autoptr(GError) error = NULL;
  NatterAccountOptions options = { NULL, };
  Waiter waiter = { 0, };

  fixture->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  fixture->accounts = natter_account_list_new (fixture->store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (fixture->accounts, fixture->database);
  fixture->conversations = natter_conversation_list_new (fixture->accounts, &error);
  g_assert_no_error (error);

  options.resource = "natter";
  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (fixture->server);
  options.direct_tls = TRUE;
  natter_account_list_add_async (fixture->accounts, ALICE, PASSWORD, &options, NULL,
                                 waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  fixture->account = natter_account_list_add_finish (fixture->accounts, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_object_unref (fixture->account);   /* the list keeps it */
  fixture->messaging = natter_messaging_new (fixture->account, fixture->conversations);
  fixture->omemo = natter_account_get_omemo (fixture->account);

  WAIT_FOR (natter_account_get_state (fixture->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "Natter to be online");
  WAIT_FOR (!natter_messaging_get_syncing (fixture->messaging), "Natter's catch-up");
  WAIT_FOR (natter_omemo_get_ready (fixture->omemo), "Natter's bundle and device list");
  own = natter_omemo_dup_own_fingerprint (fixture->omemo);
  g_assert_nonnull (own);
  fixture->alice_fingerprint = hex_only (own);
  g_assert_cmpuint (strlen (fixture->alice_fingerprint), ==, 64);
  g_test_message ("Natter: device %u, fingerprint %s", natter_omemo_get_device_id (fixture->omemo),
                  fixture->alice_fingerprint);
}

static NatterContact *
natter_contact (Fixture *fixture)
{
  return natter_roster_lookup (natter_account_get_roster (fixture->account), PAT);
}

/* alice and pat subscribe to each other: on Prosody, only contacts read
 * each other's OMEMO nodes. */
static void
make_contacts (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  NatterRoster *roster = natter_account_get_roster (fixture->account);
  Waiter waiter = { 0, };

  natter_roster_add_contact_async (roster, PAT, NULL, NULL, NULL, waiter_cb, &waiter);
  WAIT_OR_FAIL (fixture, waiter.done, "Natter to add pat");
  g_assert_true (natter_roster_add_contact_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);

  g_free (profanity_wait_for (fixture, "Received authorization request from " ALICE, WAIT_S,
                              "alice's subscription request"));
  g_free (profanity_command (fixture, "/sub allow " ALICE, "Accepted subscription for " ALICE,
                             WAIT_S));
  g_free (profanity_command (fixture, "/sub request " ALICE,
                             "Sent subscription request to " ALICE, WAIT_S));

  /* Natter pre-approves the contacts it adds (RFC 6121 §3.4), so pat's
   * request is granted without asking; approve it should it ask. */
  WAIT_OR_FAIL (fixture, natter_contact (fixture) != NULL &&
                (natter_contact_get_pending_in (natter_contact (fixture)) ||
                 natter_contact_get_subscription (natter_contact (fixture)) ==
                 NATTER_SUBSCRIPTION_BOTH),
                "pat's subscription request at Natter");
  if (natter_contact_get_pending_in (natter_contact (fixture)))
    {
      g_assert_true (natter_roster_approve (roster, natter_contact (fixture), &error));
      g_assert_no_error (error);
    }
  WAIT_OR_FAIL (fixture, natter_contact_get_subscription (natter_contact (fixture)) ==
                NATTER_SUBSCRIPTION_BOTH, "a mutual subscription");
}

static NatterOmemoDevice *
natter_find_device (Fixture    *fixture,
                    const char *jid,
                    guint32     device_id)
{
  GListModel *model = natter_omemo_get_devices (fixture->omemo, jid);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(NatterOmemoDevice) item = g_list_model_get_item (model, i);

      if (natter_omemo_device_get_device_id (item) == device_id)
        return item;   /* the model keeps it */
    }
  return NULL;
}

static gboolean
natter_knows_pat (Fixture *fixture)
{
  NatterOmemoDevice *device = natter_find_device (fixture, PAT, fixture->pat_device_id);

  return device != NULL && natter_omemo_device_get_active (device);
}

static const char *
natter_pat_fingerprint (Fixture *fixture)
{
  NatterOmemoDevice *device = natter_find_device (fixture, PAT, fixture->pat_device_id);

  return device != NULL ? natter_omemo_device_get_fingerprint (device) : NULL;
}

static NatterConversation *
natter_conversation (Fixture *fixture)
{
  return natter_conversation_list_lookup (fixture->conversations, fixture->account, PAT);
}

/* The message from pat with @body, searched from the newest: notices
 * (a device added, for example) may come after it. */
static NatterMessage *
natter_find_received (Fixture    *fixture,
                      const char *body)
{
  NatterConversation *conversation = natter_conversation (fixture);
  NatterMessageList *messages;
  guint n;

  if (conversation == NULL)
    return NULL;
  messages = natter_conversation_get_messages (conversation, NULL);
  n = messages != NULL ? g_list_model_get_n_items (G_LIST_MODEL (messages)) : 0;
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(NatterMessage) message = g_list_model_get_item (G_LIST_MODEL (messages), i - 1);

      if (natter_message_get_direction (message) == NATTER_MESSAGE_DIRECTION_IN &&
          g_strcmp0 (natter_message_get_body (message), body) == 0)
        return message;   /* the list keeps it */
    }
  return NULL;
}

/* Natter sends @body to pat with OMEMO and waits for the server's ack. */
static void
natter_send (Fixture    *fixture,
             const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterMessage) message = NULL;
  NatterConversation *conversation;
  Waiter waiter = { 0, };

  conversation = natter_conversation_list_open (fixture->conversations, fixture->account, PAT,
                                                &error);
  g_assert_no_error (error);
  natter_conversation_set_encryption (conversation, NATTER_MESSAGE_ENCRYPTION_OMEMO);
  natter_conversation_send_async (conversation, body, NULL, waiter_cb, &waiter);
  WAIT_OR_FAIL (fixture, waiter.done, "Natter to store the message");
  message = natter_conversation_send_finish (conversation, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_assert_cmpint (natter_message_get_encryption (message), ==, NATTER_MESSAGE_ENCRYPTION_OMEMO);
  WAIT_OR_FAIL (fixture, natter_message_get_state (message) >= NATTER_MESSAGE_STATE_SENT,
                "the server's ack of Natter's message");
  if (natter_message_get_state (message) == NATTER_MESSAGE_STATE_FAILED)
    fail (fixture, "Natter could not send \"%s\": %s", body,
          natter_message_get_error (message));
}

/* Profanity shows and stores Natter's @body, decrypted. */
static void
assert_profanity_read (Fixture    *fixture,
                       const char *body)
{
  g_free (profanity_wait_for (fixture, body, WAIT_S, "Natter's message on Profanity's screen"));
  WAIT_OR_FAIL (fixture, profanity_logged (fixture, ALICE, body),
                "Natter's message, decrypted, in Profanity's chatlog.db");
}

/* Natter stores Profanity's @body, decrypted, as OMEMO from pat's device. */
static void
assert_natter_read (Fixture    *fixture,
                    const char *body)
{
  NatterMessage *message = NULL;

  WAIT_OR_FAIL (fixture, (message = natter_find_received (fixture, body)) != NULL,
                "Profanity's message at Natter");
  if (natter_message_get_encryption (message) != NATTER_MESSAGE_ENCRYPTION_OMEMO ||
      natter_message_get_state (message) != NATTER_MESSAGE_STATE_RECEIVED ||
      natter_message_get_sender_device (message) != fixture->pat_device_id)
    fail (fixture, "Natter has \"%s\" with encryption %d, state %d, from device %u "
          "(expected OMEMO, received, from %u)", body,
          natter_message_get_encryption (message), natter_message_get_state (message),
          natter_message_get_sender_device (message), fixture->pat_device_id);
}

/* Profanity: in the chat with alice, OMEMO on, alice's device known and
 * trusted by the fingerprint Natter shows for itself, and a session with
 * it in place, so that what pat types next is encrypted for it. */
static void
profanity_trust_alice (Fixture *fixture)
{
  g_autofree char *formatted = profanity_format (fixture->alice_fingerprint);
  g_autofree char *trust = g_strdup_printf ("/omemo trust " ALICE " %s", formatted);
  g_autofree char *trusted = g_strdup_printf ("%s (trusted)", formatted);
  g_autofree char *session = g_strdup_printf ("session with " ALICE " device %u",
                                              natter_omemo_get_device_id (fixture->omemo));
  gint64 deadline = g_get_monotonic_time () + SLOW_WAIT_S * G_USEC_PER_SEC;
  gboolean known = FALSE;

  profanity_type (fixture, "/omemo start " ALICE);

  /* Profanity learns alice's fingerprint from her bundle, which it asks
   * for when the chat starts: ask until it shows the one Natter shows. */
  while (!known)
    {
      g_autofree char *pane = NULL;
      gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

      profanity_type (fixture, "/omemo fingerprint " ALICE);
      while (!known && g_get_monotonic_time () < until)
        {
          spin (100);
          g_free (pane);
          pane = tmux_capture (fixture);
          known = pane != NULL && strstr (pane, formatted) != NULL;
        }
      if (!known && g_get_monotonic_time () >= deadline)
        fail (fixture, "Profanity never showed alice's fingerprint %s", formatted);
    }

  g_free (profanity_command (fixture, trust, trusted, WAIT_S));
  WAIT_OR_FAIL_S (fixture, profanity_log_has (fixture, session, NULL), SLOW_WAIT_S,
                  "Profanity's session with Natter's device");
}

/* The parts both orders share: both online, contacts, keys on both sides
 * and each knowing the other's device. */
static void
meet (Fixture *fixture)
{
  natter_start (fixture);
  profanity_start (fixture);
  profanity_connect (fixture);
  make_contacts (fixture);
  profanity_omemo_setup (fixture);
  WAIT_OR_FAIL_S (fixture, natter_knows_pat (fixture), SLOW_WAIT_S,
                  "Natter to learn Profanity's device");
}

/* The sender device of pat's messages is in Natter's device model with
 * the fingerprint Profanity shows for itself. */
static void
assert_natter_fingerprint (Fixture *fixture)
{
  g_autofree char *seen = NULL;

  WAIT_OR_FAIL (fixture, natter_pat_fingerprint (fixture) != NULL,
                "Natter to know the fingerprint of pat's device");
  seen = hex_only (natter_pat_fingerprint (fixture));
  if (g_strcmp0 (seen, fixture->pat_fingerprint) != 0)
    fail (fixture, "Natter shows %s for pat's device, Profanity %s", seen,
          fixture->pat_fingerprint);
}

/* Tests */

static void
test_natter_first (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *token = random_token ();
  g_autofree char *to_pat = g_strdup_printf ("Grüße from Natter %s", token);
  g_autofree char *to_alice = g_strdup_printf ("Profanity says hi %s ünïcödé", token);
  g_autofree char *again = g_strdup_printf ("Natter once more %s", token);

  meet (fixture);

  /* Natter starts the session: a pre-key message to Profanity. */
  natter_send (fixture, to_pat);
  profanity_type (fixture, "/msg " ALICE);
  assert_profanity_read (fixture, to_pat);

  /* Profanity answers on that session. */
  profanity_trust_alice (fixture);
  profanity_type (fixture, to_alice);
  assert_natter_read (fixture, to_alice);
  assert_natter_fingerprint (fixture);

  /* And Natter once more, on a session both sides have used. */
  natter_send (fixture, again);
  assert_profanity_read (fixture, again);
}

static void
test_profanity_first (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *token = random_token ();
  g_autofree char *to_alice = g_strdup_printf ("Profanity starts %s ünïcödé", token);
  g_autofree char *to_pat = g_strdup_printf ("Grüße back from Natter %s", token);
  g_autofree char *again = g_strdup_printf ("Profanity once more %s", token);
  g_autofree char *offline = g_strdup_printf ("Profanity while Natter was away %s", token);
  /* How Profanity shows what it sent with OMEMO. */
  g_autofree char *sent = g_strdup_printf ("~ me: %s", offline);

  meet (fixture);

  /* Profanity builds the session from Natter's bundle: a pre-key message
   * to Natter. */
  profanity_trust_alice (fixture);
  profanity_type (fixture, to_alice);
  assert_natter_read (fixture, to_alice);
  assert_natter_fingerprint (fixture);

  /* Natter answers on that session. */
  natter_send (fixture, to_pat);
  assert_profanity_read (fixture, to_pat);

  /* And Profanity once more. */
  profanity_type (fixture, again);
  assert_natter_read (fixture, again);

  /* Written while Natter is offline: Natter decrypts it when it catches
   * up (offline storage or the archive). */
  natter_account_set_enabled (fixture->account, FALSE);
  WAIT_OR_FAIL (fixture, natter_account_get_state (fixture->account) ==
                NATTER_ACCOUNT_STATE_OFFLINE, "Natter to go offline");
  /* Once Profanity hears alice leave, the server has closed her session. */
  WAIT_OR_FAIL (fixture, profanity_log_has (fixture, "type=\"unavailable\"",
                                             "from=\"" ALICE "/natter\""),
                "Profanity to hear that Natter left");
  profanity_type (fixture, offline);
  g_free (profanity_wait_for (fixture, sent, WAIT_S, "Profanity to send its message"));
  /* Time for it to reach the server while alice is away; should it come
   * later, it is delivered live, and the check below holds all the same. */
  spin (500);
  natter_account_set_enabled (fixture->account, TRUE);
  WAIT_OR_FAIL (fixture, natter_account_get_state (fixture->account) ==
                NATTER_ACCOUNT_STATE_ONLINE, "Natter to be online again");
  assert_natter_read (fixture, offline);
  /* Filed after what came before it, though the archive's copies of the
   * messages read live cannot be decrypted a second time. */
  if (natter_message_get_timestamp (natter_find_received (fixture, offline)) <=
      natter_message_get_timestamp (natter_find_received (fixture, again)))
    fail (fixture, "the message written offline is filed before one that came earlier");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "alice", PASSWORD, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "pat", PASSWORD, &error);
  g_assert_no_error (error);
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  fixture->tick = g_timeout_add (50, tick_cb, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->started)
    {
      g_autofree char *out = tmux_run (fixture, NULL, "kill-server", NULL);

      fixture->started = FALSE;
    }
  if (fixture->root != NULL && g_getenv ("NATTER_TEST_KEEP_PROFANITY") == NULL)
    natter_test_remove_tree (fixture->root);

  if (fixture->accounts != NULL)
    natter_account_list_disconnect_all (fixture->accounts);
  spin (50);
  g_clear_object (&fixture->messaging);
  g_clear_object (&fixture->conversations);
  g_clear_object (&fixture->accounts);
  if (fixture->store != NULL)
    natter_store_close (fixture->store);
  g_clear_object (&fixture->store);

  g_clear_handle_id (&fixture->tick, g_source_remove);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
  g_free (fixture->alice_fingerprint);
  g_free (fixture->pat_fingerprint);
  g_free (fixture->root);
  g_free (fixture->socket);
  g_free (fixture->data_dir);
}

int
main (int   argc,
      char *argv[])
{
  static const char *programs[] = { "tmux", "profanity" };

  test_core_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *path = g_find_program_in_path (programs[i]);

      if (path == NULL)
        {
          g_print ("Skipped: %s is not installed (Debian: apt-get install tmux profanity)\n",
                   programs[i]);
          return 77;
        }
    }

  {
    g_autofree char *version = NULL;

    if (!g_spawn_command_line_sync ("profanity --version", &version, NULL, NULL, NULL) ||
        strstr (version, "OMEMO support: Enabled") == NULL)
      {
        g_print ("Skipped: this profanity has no OMEMO support\n");
        return 77;
      }
  }

  g_test_add ("/natter/interop/profanity/omemo/natter-first", Fixture, NULL,
              fixture_set_up, test_natter_first, fixture_tear_down);
  g_test_add ("/natter/interop/profanity/omemo/profanity-first", Fixture, NULL,
              fixture_set_up, test_profanity_first, fixture_tear_down);

  return g_test_run ();
}
