/* startup.c: from process start to the first frame, with a big profile
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: dbus-run-session -- build-aux/test-session _build/tests/bench/startup [MESSAGES]
 *
 * Builds a profile of 3 accounts, 2,000 contacts, 200 conversations and
 * MESSAGES stored messages (default 1,000,000; half of them in one
 * conversation), kept under the build directory and reused by later runs.
 * Then starts the real natter binary on it, five times with GTK's default
 * renderer and five with GSK_RENDERER=cairo, and times each from just
 * before the process is spawned until the window reports its first
 * painted frame (NATTER_REPORT_FIRST_FRAME).  The median is compared with
 * the same measurement on an empty profile (the welcome page), in the
 * same run: the ratio is what the data costs.  Last, it opens the largest
 * conversation through the app.open-conversation action over D-Bus, as a
 * notification would, and reads the resident memory of the process
 * before and after.  Targets: first frame under 400 ms, under 100 MB
 * after opening the largest conversation, with the default renderer.
 * For reference the memory is also read with GSK_RENDERER=cairo, and
 * split by kind of mapping (/proc/PID/smaps): under Xvfb GTK 4.8 runs
 * Mesa's llvmpipe, whose libraries (libLLVM, the DRI driver) are
 * resident even with the cairo renderer, because GDK initialises GL when
 * it opens an X11 display, and whose compiled shaders are on the heap.
 *
 * The accounts are disabled, so nothing waits on a network; the cursor
 * does not blink (settings.ini), so idle frames are not counted.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

#define N_ACCOUNTS 3
#define N_CONTACTS 2000
#define N_CONVERSATIONS 200
#define RUNS 5
#define BATCH 1000
#define DOMAIN "bench.example"

static char *
account_jid (guint i)
{
  return g_strdup_printf ("me%u@" DOMAIN, i);
}

static char *
peer_jid (guint i)
{
  return g_strdup_printf ("friend%u@" DOMAIN, i);
}

static void
die (const GError *error)
{
  g_printerr ("startup: %s\n", error->message);
  exit (1);
}

/* Messages of conversation @c: half of all go to conversation 0. */
static guint
messages_of (guint c,
             guint total)
{
  guint rest = total - total / 2;

  if (c == 0)
    return total / 2;
  return rest / (N_CONVERSATIONS - 1) + (c - 1 < rest % (N_CONVERSATIONS - 1) ? 1 : 0);
}

static void
seed (const char *db_path,
      guint       total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterStore) store = natter_store_open (db_path, &error);
  gint64 account_ids[N_ACCOUNTS];
  gint64 timestamp = G_GINT64_CONSTANT (1700000000000000);
  gint64 start = g_get_monotonic_time ();

  if (store == NULL)
    die (error);

  for (guint a = 0; a < N_ACCOUNTS; a++)
    {
      g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
      g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_contact_unref);

      account->jid = account_jid (a);
      account->resource = g_strdup ("natter.bench");
      account->enabled = FALSE;
      if (!natter_store_add_account (store, account, &error))
        die (error);
      account_ids[a] = account->id;

      /* 2,000 contacts over the accounts, the first account the most. */
      for (guint c = a; c < N_CONTACTS; c += N_ACCOUNTS)
        {
          NatterStoreContact *contact = natter_store_contact_new ();

          contact->jid = peer_jid (c);
          contact->name = g_strdup_printf ("Friend %u", c);
          contact->subscription = NATTER_STORE_SUBSCRIPTION_BOTH;
          g_ptr_array_add (contacts, contact);
        }
      if (!natter_store_replace_roster (store, account->id, "1", contacts, &error))
        die (error);
    }

  for (guint c = 0; c < N_CONVERSATIONS; c++)
    {
      guint a = c % N_ACCOUNTS;
      g_autofree char *peer = peer_jid (c);
      g_autofree char *own = account_jid (a);
      g_autoptr(NatterStoreConversation) conversation =
        natter_store_ensure_conversation (store, account_ids[a], peer,
                                          NATTER_STORE_CONVERSATION_CHAT, &error);
      guint n = messages_of (c, total);

      if (conversation == NULL)
        die (error);
      for (guint done = 0; done < n;)
        {
          g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
          g_autoptr(GArray) results = NULL;

          for (guint i = 0; i < BATCH && done < n; i++, done++)
            {
              NatterStoreMessage *message = natter_store_message_new ();
              gboolean out = done % 3 == 0;

              timestamp += 1 + (done % 7) * G_GINT64_CONSTANT (1000000);
              message->conversation_id = conversation->id;
              message->direction = out ? NATTER_STORE_DIRECTION_OUT : NATTER_STORE_DIRECTION_IN;
              message->state = out ? NATTER_STORE_MESSAGE_STATE_READ
                                   : NATTER_STORE_MESSAGE_STATE_RECEIVED;
              message->sender = out ? g_strdup_printf ("%s/natter.bench", own)
                                    : g_strdup_printf ("%s/phone", peer);
              message->body = g_strdup_printf ("message %u: see you at the station at %u, "
                                               "the train is late again", done, done % 24);
              message->stanza_id = g_strdup_printf ("s-%u-%u", c, done);
              message->archive = g_strdup (own);
              message->origin_id = g_strdup_printf ("o-%u-%u", c, done);
              message->message_id = g_strdup (message->origin_id);
              message->timestamp = timestamp;
              message->delay = timestamp;
              message->received = timestamp + 1000;
              message->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
              g_ptr_array_add (batch, message);
            }
          results = natter_store_insert_messages (store, batch, NULL, &error);
          if (results == NULL)
            die (error);
        }
    }
  natter_store_close (store);
  g_print ("seeded %u messages in %.1f s\n", total,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

/* A profile directory: data (with the database), config (with GTK's
 * settings.ini), cache. */
static void
make_profile (const char *dir)
{
  g_autofree char *data = g_build_filename (dir, "data", "natter", NULL);
  g_autofree char *gtk = g_build_filename (dir, "config", "gtk-4.0", NULL);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autofree char *ini = g_build_filename (gtk, "settings.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (data, 0700);
  g_mkdir_with_parents (gtk, 0700);
  g_mkdir_with_parents (cache, 0700);
  if (!g_file_set_contents (ini, "[Settings]\ngtk-cursor-blink=false\n", -1, &error))
    die (error);
}

static GSubprocess *
spawn (const char *profile,
       const char *renderer)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *data = g_build_filename (profile, "data", NULL);
  g_autofree char *config = g_build_filename (profile, "config", NULL);
  g_autofree char *cache = g_build_filename (profile, "cache", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", SCHEMA_DIR, TRUE);
  g_subprocess_launcher_setenv (launcher, "NATTER_REPORT_FIRST_FRAME", "1", TRUE);
  if (renderer != NULL)
    g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", renderer, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  process = g_subprocess_launcher_spawn (launcher, &error, NATTER_BIN, NULL);
  if (process == NULL)
    die (error);
  return process;
}

/* Waits for the first-frame line; returns the time it took in ms. */
static double
wait_first_frame (GSubprocess *process,
                  gint64       start)
{
  g_autoptr(GDataInputStream) lines =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

      if (line == NULL)
        {
          g_printerr ("startup: natter exited before its first frame%s%s\n",
                      error != NULL ? ": " : "", error != NULL ? error->message : "");
          exit (1);
        }
      if (g_str_equal (line, "natter: first frame"))
        return (g_get_monotonic_time () - start) / 1000.0;
    }
}

static void
stop (GSubprocess *process)
{
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median_start (const char *profile,
              const char *renderer)
{
  double times[RUNS];

  for (guint i = 0; i < RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GSubprocess) process = spawn (profile, renderer);

      times[i] = wait_first_frame (process, start);
      stop (process);
    }
  qsort (times, RUNS, sizeof times[0], compare_doubles);
  return times[RUNS / 2];
}

static gint64
resident_kib (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

/* Resident memory by kind of mapping, in KiB: the heap, other anonymous
 * memory, the GL driver's libraries, other files. */
typedef struct
{
  gint64 heap;
  gint64 anon;
  gint64 gl;
  gint64 files;
} Breakdown;

static gboolean
is_gl_driver (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);

  return g_str_has_prefix (name, "libLLVM") || g_str_has_suffix (name, "_dri.so") ||
         g_str_has_prefix (name, "libgallium") || g_str_has_prefix (name, "libGL") ||
         g_str_has_prefix (name, "libEGL") || g_str_has_prefix (name, "libglapi");
}

static Breakdown
resident_breakdown (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/smaps", g_subprocess_get_identifier (process));
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  Breakdown breakdown = { 0, };
  gint64 *kind = &breakdown.anon;

  if (!g_file_get_contents (path, &smaps, NULL, NULL))
    return breakdown;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      int name_at = 0;

      /* A mapping: "start-end perms offset device inode [name]". */
      if (sscanf (line, "%*x-%*x %*s %*x %*s %*u %n", &name_at) == 0 && name_at > 0)
        {
          const char *name = line + name_at;

          if (name[0] == '\0' || name[0] == '[')
            kind = g_str_equal (name, "[heap]") ? &breakdown.heap : &breakdown.anon;
          else
            kind = is_gl_driver (name) ? &breakdown.gl : &breakdown.files;
        }
      else if (g_str_has_prefix (line, "Rss:"))
        *kind += g_ascii_strtoll (line + 4, NULL, 10);
    }
  return breakdown;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
}

/* Starts natter on @profile with @renderer and reads its resident memory
 * once it is idle after the first frame, then again after opening the
 * largest conversation, as a notification opens it. */
static void
measure_memory (GDBusConnection *bus,
                const char      *profile,
                const char      *renderer,
                gint64          *idle_kib,
                gint64          *open_kib,
                Breakdown       *open_breakdown)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *own = account_jid (0);
  g_autofree char *peer = peer_jid (0);
  GVariant *target = g_variant_new_variant (g_variant_new ("(ss)", own, peer));

  process = spawn (profile, renderer);
  wait_first_frame (process, g_get_monotonic_time ());
  spin (1000);
  *idle_kib = resident_kib (process);
  reply = g_dbus_connection_call_sync (bus, "im.natter.Natter", "/im/natter/Natter",
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new ("(s@av@a{sv})", "open-conversation",
                                                      g_variant_new_array (G_VARIANT_TYPE_VARIANT,
                                                                           &target, 1),
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                           NULL, 0)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  if (reply == NULL)
    die (error);
  spin (2000);
  *open_kib = resident_kib (process);
  *open_breakdown = resident_breakdown (process);
  stop (g_steal_pointer (&process));
}

int
main (int   argc,
      char *argv[])
{
  guint total = argc > 1 ? (guint) atoi (argv[1]) : 1000000;
  g_autofree char *root = g_build_filename (BENCH_DIR, "startup-profiles", NULL);
  g_autofree char *full = g_strdup_printf ("%s/%u", root, total);
  g_autofree char *empty = g_build_filename (root, "empty", NULL);
  g_autofree char *db = g_build_filename (full, "data", "natter", "natter.db", NULL);
  g_autofree char *marker = g_build_filename (full, "seeded", NULL);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  double full_ms, empty_ms, full_cairo_ms, empty_cairo_ms;
  gint64 idle_kib, open_kib, idle_cairo_kib, open_cairo_kib;
  Breakdown open_breakdown, open_cairo_breakdown;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("startup: needs a display and a D-Bus session; run it as\n"
                  "  dbus-run-session -- build-aux/test-session %s\n", argv[0]);
      return 1;
    }

  make_profile (empty);
  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      make_profile (full);
      g_unlink (db);
      seed (db, total);
      g_file_set_contents (marker, "", 0, NULL);
    }
  g_print ("profile: %u accounts, %u contacts, %u conversations, %u messages (%u in the largest)\n",
           N_ACCOUNTS, N_CONTACTS, N_CONVERSATIONS, total, messages_of (0, total));

  /* Warm the page cache and GTK's caches once, uncounted. */
  process = spawn (full, NULL);
  wait_first_frame (process, g_get_monotonic_time ());
  stop (g_steal_pointer (&process));

  full_ms = median_start (full, NULL);
  empty_ms = median_start (empty, NULL);
  full_cairo_ms = median_start (full, "cairo");
  empty_cairo_ms = median_start (empty, "cairo");
  g_print ("first frame, default renderer: %.0f ms (empty profile %.0f ms, ratio %.2f)\n",
           full_ms, empty_ms, full_ms / empty_ms);
  g_print ("first frame, GSK_RENDERER=cairo: %.0f ms (empty profile %.0f ms, ratio %.2f)\n",
           full_cairo_ms, empty_cairo_ms, full_cairo_ms / empty_cairo_ms);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    die (error);
  measure_memory (bus, full, NULL, &idle_kib, &open_kib, &open_breakdown);
  measure_memory (bus, full, "cairo", &idle_cairo_kib, &open_cairo_kib, &open_cairo_breakdown);
  g_print ("resident memory: %.1f MB idle, %.1f MB with the largest conversation open "
           "(target under 100 MB)\n", idle_kib / 1024.0, open_kib / 1024.0);
  g_print ("  open: heap %.1f MB, other anonymous %.1f MB, GL driver libraries %.1f MB, "
           "other files %.1f MB\n",
           open_breakdown.heap / 1024.0, open_breakdown.anon / 1024.0,
           open_breakdown.gl / 1024.0, open_breakdown.files / 1024.0);
  g_print ("resident memory, GSK_RENDERER=cairo: %.1f MB idle, %.1f MB with the largest "
           "conversation open\n", idle_cairo_kib / 1024.0, open_cairo_kib / 1024.0);
  g_print ("  open: heap %.1f MB, other anonymous %.1f MB, GL driver libraries %.1f MB, "
           "other files %.1f MB\n",
           open_cairo_breakdown.heap / 1024.0, open_cairo_breakdown.anon / 1024.0,
           open_cairo_breakdown.gl / 1024.0, open_cairo_breakdown.files / 1024.0);
  return 0;
}
