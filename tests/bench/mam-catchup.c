/* mam-catchup.c: a fresh profile's catch-up of 10,000 archived messages into the store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: build-aux/test-session _build/tests/bench/mam-catchup [MESSAGES [ROUNDS]]
 *
 * Starts the fixture's Prosody, seeds the archive of dan with MESSAGES
 * messages to eve from an engine client (sent back to back, then one
 * acked message), then times a fresh profile's catch-up through
 * NatterMessaging: from the account being online until the store holds
 * every message and the catch-up reports complete.  Reference, in the same
 * run: the same archive fetched page by page with xmpp_mam_query_async on
 * the engine client, one page in flight, without storing anything.  The
 * two take turns, ROUNDS times (3 unless given; each catch-up into a new
 * profile), then the reference once more; min and median of each are
 * printed, and with every measurement the CPU time the client and the
 * server spent and how long the server waited for a core (other load on
 * the machine).  Needs a Secret Service (build-aux/test-session) for the
 * account's password.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-server.h"
#include "natter-test-xmpp.h"

#define HOST NATTER_TEST_DOMAIN
#define DAN "dan@" HOST
#define EVE "eve@" HOST
#define WAIT_S 300

/* The server tuned as a deployment with CPU and memory to spare would
 * tune it; with Prosody 0.12's defaults, serving the pages costs more in
 * collecting garbage and waiting than in work:
 *
 * gc: Prosody runs Lua's collector incremental with a pause of 105 % and
 * a step multiplier of 500 (util/startup.lua), which keeps the heap small
 * by collecting nearly all the time: about half of the 2.4 s of CPU it
 * spent serving the 10,000 results.  Its `gc` option here sets Lua 5.4's
 * stock parameters (pause 200 %, multiplier 100) instead.
 *
 * network_settings.nagle: Prosody leaves Nagle's algorithm on.  It writes
 * a whole page at once, in 16 KiB TLS records, and over loopback (MSS
 * 64 KiB) every record after the first waits for the client's delayed
 * ACK: about 17 ms per page, 0.7 s in all, with both sides idle.  Over a
 * real link only a page's last segment would wait, for one round trip. */
#define SERVER_TUNING \
  "gc = { mode = \"incremental\", threshold = 200, speed = 100 }\n" \
  "network_settings = { nagle = false }\n"

static double
s_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static void
wait_for (Waiter     *waiter,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!waiter->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!waiter->done)
    g_error ("timed out waiting for %s", what);
}

/* Back to back in chunks, each ended by an acked message, so the
 * client's unacked queue stays bounded. */
static void
seed (XmppClient *client,
      guint       total)
{
  g_autoptr(XmppJid) to = xmpp_jid_new (EVE, NULL);

  for (guint i = 0; i < total;)
    {
      g_autoptr(GError) error = NULL;
      Waiter waiter = { 0, };

      for (guint j = 0; j < 500 && i < total; j++, i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *body = g_strdup_printf ("archived message %u: see you at the station", i);
          g_autoptr(XmppNode) stanza = xmpp_message_build_chat (to, id, body);

          if (j + 1 < 500 && i + 1 < total)
            xmpp_client_send (client, stanza);
          else
            xmpp_client_send_async (client, stanza, NULL, waiter_cb, &waiter);
          if (j % 32 == 0)
            g_main_context_iteration (NULL, FALSE);
        }
      wait_for (&waiter, "a message to be acked");
      if (!xmpp_client_send_finish (client, waiter.result, &error))
        g_error ("seeding: %s", error->message);
      g_object_unref (waiter.result);
    }
}

/* The reference: every page, one in flight, nothing stored. */
static guint
fetch_all (XmppMam *mam,
           XmppJid *archive,
           guint   *pages)
{
  g_autofree char *after = NULL;
  guint n = 0;

  *pages = 0;
  for (;;)
    {
      g_autoptr(XmppMamPage) page = NULL;
      g_autoptr(GError) error = NULL;
      XmppMamQuery query = { .after_id = after, .max = XMPP_MAM_MAX_PAGE };
      Waiter waiter = { 0, };

      xmpp_mam_query_async (mam, archive, &query, NULL, waiter_cb, &waiter);
      wait_for (&waiter, "an archive page");
      page = xmpp_mam_query_finish (mam, waiter.result, &error);
      g_object_unref (waiter.result);
      if (page == NULL)
        g_error ("reference query: %s", error->message);
      (*pages)++;
      n += xmpp_mam_page_get_messages (page)->len;
      if (xmpp_mam_page_get_complete (page) || xmpp_mam_page_get_last (page) == NULL)
        break;
      g_free (after);
      after = g_strdup (xmpp_mam_page_get_last (page));
    }
  return n;
}

static gint64
stored (NatterStore            *store,
        NatterConversationList *conversations,
        NatterAccount          *account)
{
  NatterConversation *conversation;

  conversation = natter_conversation_list_lookup (conversations, account, EVE);
  if (conversation == NULL)
    return 0;
  return natter_store_count_messages (store, natter_conversation_get_id (conversation), NULL);
}

/* CPU time (user + system) of a process so far, from /proc/PID/stat. */
static double
cpu_s (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid == 0 || !g_file_get_contents (path, &contents, NULL, NULL) ||
      (after_name = strrchr (contents, ')')) == NULL)
    return 0;
  /* After the name: state (field 3) … utime (14), stime (15). */
  fields = g_strsplit (after_name + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

/* How long a process (single-threaded: the server) has waited for a CPU
 * while it could run, from /proc/PID/schedstat. */
static double
run_queue_s (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/schedstat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (pid == 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  fields = g_strsplit (contents, " ", 3);
  if (g_strv_length (fields) < 2)
    return 0;
  return g_ascii_strtod (fields[1], NULL) / 1e9;
}

/* Wall-clock and CPU time of one measurement: this process (the client,
 * with the store's thread) and the server; and how long the server was
 * ready to run but waited for one of the cores, busy with something else
 * (the client, or whatever else runs on the machine). */
typedef struct
{
  gint64 start;
  double client_cpu;
  double server_cpu;
  double server_waited;
  double wall_s;
} Span;

static void
span_begin (Span *span,
            GPid  server)
{
  span->client_cpu = cpu_s (getpid ());
  span->server_cpu = cpu_s (server);
  span->server_waited = run_queue_s (server);
  span->start = g_get_monotonic_time ();
}

static void
span_end (Span *span,
          GPid  server)
{
  span->wall_s = s_since (span->start);
  span->client_cpu = cpu_s (getpid ()) - span->client_cpu;
  span->server_cpu = cpu_s (server) - span->server_cpu;
  span->server_waited = run_queue_s (server) - span->server_waited;
}

typedef struct
{
  Span     span;
  gint64   n_stored;
  double   login_s;
  gboolean syncing;
} Catchup;

static void
remove_profile (const char *dir)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;

  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* A fresh profile of dan, from the account being online until the store
 * holds every message and the catch-up reports complete. */
static void
catch_up (NatterTestServer *server,
          GTlsDatabase     *database,
          guint             round,
          guint             total,
          Catchup          *out)
{
  NatterAccountOptions options = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *resource = g_strdup_printf ("bench%u", round);
  NatterStore *store;
  NatterAccountList *accounts;
  NatterConversationList *conversations;
  NatterMessaging *messaging;
  NatterAccount *account;
  Waiter waiter = { 0, };
  gint64 start, deadline;

  dir = g_dir_make_tmp ("natter-mam-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "natter.db", NULL);
  store = natter_store_open (path, &error);
  g_assert_no_error (error);
  accounts = natter_account_list_new (store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (accounts, database);
  conversations = natter_conversation_list_new (accounts, &error);
  g_assert_no_error (error);
  options.resource = resource;
  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (server);
  options.direct_tls = TRUE;

  start = g_get_monotonic_time ();
  natter_account_list_add_async (accounts, DAN, "secret", &options, NULL, waiter_cb, &waiter);
  wait_for (&waiter, "the account to be added");
  account = natter_account_list_add_finish (accounts, waiter.result, &error);
  if (account == NULL)
    g_error ("%s", error->message);
  g_object_unref (waiter.result);
  g_object_unref (account);
  messaging = natter_messaging_new (account, conversations);

  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (natter_account_get_state (account) != NATTER_ACCOUNT_STATE_ONLINE &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  out->login_s = s_since (start);
  span_begin (&out->span, natter_test_server_get_pid (server));
  while ((natter_messaging_get_syncing (messaging) ||
          stored (store, conversations, account) < total) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  span_end (&out->span, natter_test_server_get_pid (server));
  out->n_stored = stored (store, conversations, account);
  out->syncing = natter_messaging_get_syncing (messaging);

  natter_account_list_disconnect_all (accounts);
  g_object_unref (messaging);
  g_object_unref (conversations);
  g_object_unref (accounts);
  natter_store_close (store);
  g_object_unref (store);
  natter_test_spin (50);
  remove_profile (dir);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

int
main (int   argc,
      char *argv[])
{
  guint total = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint rounds = argc > 2 ? MAX ((guint) atoi (argv[2]), 1) : 3;
  NatterTestServerOptions server_options = {
    .archive_page_max = 1000,
    .extra_config = SERVER_TUNING,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(XmppDisco) disco = NULL;
  g_autoptr(XmppMessages) messages = NULL;
  g_autoptr(XmppMam) mam = NULL;
  g_autoptr(XmppJid) archive = NULL;
  g_autoptr(GArray) catchup_walls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reference_walls = g_array_new (FALSE, FALSE, sizeof (double));
  NatterTestServer *server;
  XmppClient *client;
  Span seed_span;
  double catchup_median, reference_median;
  guint pages = 0;
  gboolean ok = TRUE;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_timeout_add (50, tick_cb, NULL);

  server = natter_test_server_start (&server_options, &error);
  if (server == NULL)
    g_error ("%s", error->message);
  if (!natter_test_server_add_account (server, "dan", "secret", &error) ||
      !natter_test_server_add_account (server, "eve", "secret", &error))
    g_error ("%s", error->message);
  database = natter_test_server_dup_tls_database (server, &error);
  g_assert_no_error (error);

  /* Seed. */
  client = natter_test_client_new (server, DAN "/seed", "secret");
  natter_test_client_go_online (client);
  disco = xmpp_disco_new (client);
  messages = xmpp_messages_new (client, disco);
  mam = xmpp_mam_new (messages);
  archive = xmpp_jid_new (DAN, NULL);
  span_begin (&seed_span, natter_test_server_get_pid (server));
  seed (client, total);
  span_end (&seed_span, natter_test_server_get_pid (server));
  g_print ("mam-catchup: %u messages seeded in %.1f s (CPU: client %.2f s, server %.2f s); "
           "%u %s of reference, catch-up, then the reference once more\n",
           total, seed_span.wall_s, seed_span.client_cpu, seed_span.server_cpu, rounds,
           rounds == 1 ? "round" : "rounds");

  /* The reference and the catch-up take turns, so both see the same
   * server, caches and load. */
  for (guint round = 0; round <= rounds; round++)
    {
      Span span;
      Catchup catchup = { 0, };
      guint reference_n;

      span_begin (&span, natter_test_server_get_pid (server));
      reference_n = fetch_all (mam, archive, &pages);
      span_end (&span, natter_test_server_get_pid (server));
      if (reference_n < total)
        g_error ("the archive holds %u messages, not %u", reference_n, total);
      g_array_append_val (reference_walls, span.wall_s);
      g_print ("  reference, xmpp_mam_query_async without storing, one page in flight: "
               "%u messages in %u pages, %.2f s (%.0f messages/s); CPU: client %.2f s, "
               "server %.2f s (waited for a core %.2f s)\n",
               reference_n, pages, span.wall_s, reference_n / span.wall_s,
               span.client_cpu, span.server_cpu, span.server_waited);
      if (round == rounds)
        break;

      catch_up (server, database, round, total, &catchup);
      g_array_append_val (catchup_walls, catchup.span.wall_s);
      g_print ("  catch-up through NatterMessaging: %" G_GINT64_FORMAT " stored in %.2f s "
               "(%.0f messages/s; target < 2 s), syncing %s; CPU: client %.2f s, server %.2f s "
               "(waited for a core %.2f s); login took %.2f s\n",
               catchup.n_stored, catchup.span.wall_s, catchup.n_stored / catchup.span.wall_s,
               catchup.syncing ? "still on" : "done", catchup.span.client_cpu,
               catchup.span.server_cpu, catchup.span.server_waited, catchup.login_s);
      if (catchup.n_stored != total || catchup.syncing)
        {
          g_printerr ("mam-catchup: the store holds %" G_GINT64_FORMAT " messages, not %u\n",
                      catchup.n_stored, total);
          ok = FALSE;
        }
    }

  catchup_median = median (catchup_walls);
  reference_median = median (reference_walls);
  g_print ("  catch-up: min %.2f s, median %.2f s (%.0f messages/s; target < 2 s); "
           "reference: min %.2f s, median %.2f s (%.0f messages/s)\n",
           g_array_index (catchup_walls, double, 0), catchup_median, total / catchup_median,
           g_array_index (reference_walls, double, 0), reference_median,
           total / reference_median);
  g_print ("  ratio catch-up / reference: %.2f (medians), %.2f (minima)\n",
           catchup_median / reference_median,
           g_array_index (catchup_walls, double, 0) / g_array_index (reference_walls, double, 0));

  g_clear_object (&mam);
  g_clear_object (&messages);
  g_clear_object (&disco);
  xmpp_client_disconnect (client);
  natter_test_spin (50);
  g_object_unref (client);
  natter_test_server_free (server);
  return ok ? 0 : 1;
}
