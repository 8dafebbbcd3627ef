/* natter-test-ejabberd.c: a private ejabberd on 127.0.0.1 for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The second server implementation the integration tests run against,
 * and the one that offers SCRAM-SHA-256 and SCRAM-SHA-512.  Each server
 * lives in a fresh temporary directory with its own configuration,
 * Mnesia spool, SQLite database, log and the certificates of
 * natter-test-certs.c; ports are picked free on 127.0.0.1.
 *
 * ejabberdctl is not used: as root it runs everything as the `ejabberd`
 * user through su (whose death would not take the server with it), and
 * as any other user it refuses to run at all.  The fixture starts the
 * Erlang VM itself, as the current user, with the arguments ejabberdctl
 * would give it.  The VM is not distributed (no -sname), so it needs no
 * node name, no cookie and no epmd: no epmd is ever started, and
 * parallel test processes cannot collide.  Accounts are created through
 * ejabberd's HTTP API (mod_http_api), which listens on 127.0.0.1 only.
 *
 * beam.smp is the direct child (the erl script and erlexec exec it),
 * started with PR_SET_PDEATHSIG so that a test that aborts leaves no
 * server behind.  Its helpers (erl_child_setup, and under it eimp and
 * inet_gethost, each in a session of its own) exit when their pipes to
 * the VM close; when the fixture stops the server it also notes them
 * beforehand and kills any that outlive the VM.
 */
#include "config.h"

#include "natter-test-ejabberd.h"
#include "natter-test-certs.h"
#include "natter-test-files.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct _NatterTestEjabberd
{
  char *directory;
  char *config_file;
  char *log_file;
  char *pid_file;
  char *ca_file;
  char *certificate_file;
  char *key_file;
  char *fingerprint;
  char *scram_hash;
  char *erl_libs;
  GSubprocess *process;
  GPid pid;
  GArray *helpers;
  guint16 port;
  guint16 direct_tls_port;
  guint16 http_port;
};

#define START_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define STOP_TIMEOUT_US (10 * G_USEC_PER_SEC)

static guint16
pick_free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return 0;
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (socket, address, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The directory holding ejabberd-VERSION/, for ERL_LIBS.  Debian puts it
 * in the multiarch library directory, which ejabberdctl names; look for
 * it rather than assume the architecture. */
static char *
find_erl_libs (GError **error)
{
  const char *override = g_getenv ("NATTER_TEST_EJABBERD_LIBS");
  g_autoptr(GDir) usr_lib = NULL;
  const char *name;

  if (override != NULL && *override != '\0')
    return g_strdup (override);

  usr_lib = g_dir_open ("/usr/lib", 0, NULL);
  while (usr_lib != NULL && (name = g_dir_read_name (usr_lib)) != NULL)
    {
      g_autofree char *libs = g_build_filename ("/usr/lib", name, NULL);
      g_autoptr(GDir) dir = g_dir_open (libs, 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *app = NULL;

          if (!g_str_has_prefix (entry, "ejabberd-"))
            continue;
          app = g_build_filename (libs, entry, "ebin", "ejabberd.app", NULL);
          if (g_file_test (app, G_FILE_TEST_IS_REGULAR))
            return g_steal_pointer (&libs);
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "ejabberd is not installed (apt-get install ejabberd erlang-p1-sqlite3)");
  return NULL;
}

/* Erlang's SQLite driver, which ejabberd only suggests. */
static gboolean
check_sqlite_driver (GError **error)
{
  g_autoptr(GDir) dir = g_dir_open ("/usr/lib/erlang/lib", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, "p1_sqlite3-"))
        return TRUE;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "ejabberd's SQLite driver is not installed (apt-get install erlang-p1-sqlite3)");
  return FALSE;
}

/* A double-quoted string, for YAML and Erlang alike. */
static char *
quote (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static char *
json_quote (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (quoted, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (quoted, "\\u%04x", *p);
      else
        g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static gboolean
write_config (NatterTestEjabberd               *self,
              const NatterTestEjabberdOptions  *options,
              GError                          **error)
{
  g_autofree char *database = g_build_filename (self->directory, "ejabberd.sqlite", NULL);
  g_autofree char *upload = g_build_filename (self->directory, "upload", NULL);
  g_autofree char *q_database = quote (database);
  g_autofree char *q_upload = quote (upload);
  g_autofree char *q_certificate = quote (self->certificate_file);
  g_autofree char *q_key = quote (self->key_file);
  g_autofree char *q_ca = quote (self->ca_file);
  g_autofree char *config = NULL;
  const char *log_level = g_getenv ("NATTER_TEST_EJABBERD_LOG");
  guint hibernation = options->hibernation_seconds != 0 ? options->hibernation_seconds : 60;

  config = g_strdup_printf (
    "# Written by natter-test-ejabberd.c for one test run.\n"
    "hosts:\n"
    "  - \"" NATTER_TEST_DOMAIN "\"\n"
    "loglevel: %s\n"
    "log_rotate_count: 0\n"
    "hide_sensitive_log_data: false\n"
    "certfiles:\n"
    "  - %s\n"
    "  - %s\n"
    "ca_file: %s\n"
    "\n"
    "sql_type: sqlite\n"
    "sql_database: %s\n"
    "new_sql_schema: true\n"
    "default_db: sql\n"
    "auth_method: sql\n"
    "auth_password_format: scram\n"
    "auth_scram_hash: %s\n"
    "disable_sasl_mechanisms:\n"
    "  - \"X-OAUTH2\"\n"
    "  - \"DIGEST-MD5\"\n"
    "\n"
    "# Loopback only: XMPP with STARTTLS, XMPP over direct TLS, and HTTP\n"
    "# for the fixture's API calls and file upload.  No s2s, no web admin.\n"
    "listen:\n"
    "  - module: ejabberd_c2s\n"
    "    ip: \"127.0.0.1\"\n"
    "    port: %u\n"
    "    starttls_required: true\n"
    "    max_stanza_size: 1048576\n"
    "  - module: ejabberd_c2s\n"
    "    ip: \"127.0.0.1\"\n"
    "    port: %u\n"
    "    tls: true\n"
    "    max_stanza_size: 1048576\n"
    "  - module: ejabberd_http\n"
    "    ip: \"127.0.0.1\"\n"
    "    port: %u\n"
    "    request_handlers:\n"
    "      /api: mod_http_api\n"
    "      /upload: mod_http_upload\n"
    "\n"
    "acl:\n"
    "  local:\n"
    "    user_regexp: \"\"\n"
    "access_rules:\n"
    "  local:\n"
    "    allow: local\n"
    "  c2s:\n"
    "    allow: all\n"
    "  muc_create:\n"
    "    allow: local\n"
    "  pubsub_createnode:\n"
    "    allow: local\n"
    "shaper_rules:\n"
    "  max_user_offline_messages: 10000\n"
    "api_permissions:\n"
    "  \"natter test fixture\":\n"
    "    from:\n"
    "      - mod_http_api\n"
    "    who:\n"
    "      ip: 127.0.0.1/8\n"
    "    what:\n"
    "      - \"*\"\n"
    "      - \"!stop\"\n"
    "      - \"!restart\"\n"
    "      - \"!halt\"\n"
    "\n"
    "modules:\n"
    "  mod_adhoc: {}\n"
    "  mod_admin_extra: {}\n"
    "  mod_blocking: {}\n"
    "  mod_caps: {}\n"
    "  mod_carboncopy: {}\n"
    "  mod_client_state: {}\n"
    "  mod_disco: {}\n"
    "  mod_http_upload:\n"
    "    put_url: \"http://127.0.0.1:%u/upload/@HOST@\"\n"
    "    docroot: %s\n"
    "    max_size: 104857600\n"
    "  mod_mam:\n"
    "    default: always\n"
    "  mod_muc:\n"
    "    hosts:\n"
    "      - \"muc." NATTER_TEST_DOMAIN "\"\n"
    "    access_create: muc_create\n"
    "    default_room_options:\n"
    "      mam: true\n"
    "  mod_offline:\n"
    "    access_max_user_messages: max_user_offline_messages\n"
    "  mod_ping: {}\n"
    "  mod_privacy: {}\n"
    "  mod_private: {}\n"
    "  mod_pubsub:\n"
    "    access_createnode: pubsub_createnode\n"
    "    plugins:\n"
    "      - flat\n"
    "      - pep\n"
    "    # OMEMO (the legacy namespace) needs device lists and bundles\n"
    "    # readable by anyone, as public servers configure it.\n"
    "    force_node_config:\n"
    "      \"eu.siacs.conversations.axolotl.*\":\n"
    "        access_model: open\n"
    "  mod_roster:\n"
    "    versioning: true\n"
    "  mod_stream_mgmt:\n"
    "    resume_timeout: %u\n"
    "    max_resume_timeout: %u\n"
    "  mod_time: {}\n"
    "  mod_vcard:\n"
    "    search: false\n"
    "  mod_vcard_xupdate: {}\n"
    "  mod_version:\n"
    "    show_os: false\n"
    "\n"
    "%s\n",
    log_level != NULL ? log_level : "info",
    q_certificate, q_key, q_ca,
    q_database,
    self->scram_hash,
    self->port, self->direct_tls_port, self->http_port,
    self->http_port, q_upload,
    hibernation, hibernation,
    options->extra_config != NULL ? options->extra_config : "");

  if (g_mkdir (upload, 0700) != 0 && errno != EEXIST)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", upload, g_strerror (errno));
      return FALSE;
    }

  self->config_file = g_build_filename (self->directory, "ejabberd.yml", NULL);
  return g_file_set_contents (self->config_file, config, -1, error);
}

/* Runs in the child between fork and exec: the server dies with the test. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (1);
}

static char *
file_tail (const char *path,
           gsize       max)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL) || length == 0)
    return g_strdup ("(empty)");
  return g_strdup (length > max ? contents + length - max : contents);
}

static char *
log_tail (NatterTestEjabberd *self)
{
  g_autofree char *stdout_path = g_build_filename (self->directory, "stdout.log", NULL);
  g_autofree char *log = file_tail (self->log_file, 3000);
  g_autofree char *output = file_tail (stdout_path, 1500);

  return g_strdup_printf ("--- %s:\n%s\n--- %s:\n%s", self->log_file, log, stdout_path, output);
}

/* A critical message means that start-up failed: give up at once
 * rather than wait for ports that will not open. */
static gboolean
start_failed (NatterTestEjabberd *self)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (self->log_file, &contents, NULL, NULL))
    return FALSE;
  return strstr (contents, "[critical]") != NULL;
}

static gboolean
port_accepts (GSocketClient *client,
              guint16        port)
{
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* A process as /proc shows it; its start time tells it from a later
 * process that reuses its id. */
typedef struct
{
  GPid pid;
  GPid parent;
  guint64 start;
} Process;

static gboolean
read_process (GPid     pid,
              Process *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *name_end;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  /* The name may hold anything: fields start after its last ')'.  There,
   * 0 is the state, 1 the parent and 19 the start time. */
  name_end = strrchr (contents, ')');
  if (name_end == NULL || name_end[1] == '\0')
    return FALSE;
  fields = g_strsplit (name_end + 2, " ", 21);
  if (g_strv_length (fields) < 21 || fields[0][0] == 'Z' || fields[0][0] == 'X')
    return FALSE;
  process->pid = pid;
  process->parent = (GPid) g_ascii_strtoll (fields[1], NULL, 10);
  process->start = g_ascii_strtoull (fields[19], NULL, 10);
  return TRUE;
}

/* The live descendants of @root. */
static GArray *
list_descendants (GPid root)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (Process));
  g_autoptr(GHashTable) family = g_hash_table_new (NULL, NULL);
  GArray *descendants = g_array_new (FALSE, FALSE, sizeof (Process));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  gboolean grown = TRUE;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      Process process;
      GPid pid = (GPid) g_ascii_strtoll (name, NULL, 10);

      if (pid > 0 && read_process (pid, &process))
        g_array_append_val (all, process);
    }

  g_hash_table_add (family, GINT_TO_POINTER (root));
  while (grown)
    {
      grown = FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          Process *process = &g_array_index (all, Process, i);

          if (g_hash_table_contains (family, GINT_TO_POINTER (process->parent)) &&
              !g_hash_table_contains (family, GINT_TO_POINTER (process->pid)))
            {
              g_hash_table_add (family, GINT_TO_POINTER (process->pid));
              g_array_append_val (descendants, *process);
              grown = TRUE;
            }
        }
    }
  return descendants;
}

static gboolean
still_running (const Process *process)
{
  Process now;

  return read_process (process->pid, &now) && now.start == process->start;
}

/* Gives @processes @grace_us to exit, then kills those left. */
static void
finish_processes (GArray *processes,
                  gint64  grace_us)
{
  gint64 deadline = g_get_monotonic_time () + grace_us;
  gboolean any = TRUE;

  while (any)
    {
      any = FALSE;
      for (guint i = 0; i < processes->len; i++)
        any = any || still_running (&g_array_index (processes, Process, i));
      if (!any || g_get_monotonic_time () > deadline)
        break;
      g_usleep (20 * 1000);
    }
  for (guint i = 0; any && i < processes->len; i++)
    {
      Process *process = &g_array_index (processes, Process, i);

      if (still_running (process))
        {
          g_debug ("killing ejabberd's helper %d, left behind", (int) process->pid);
          kill (process->pid, SIGKILL);
        }
    }
}

/* Notes the VM's helpers while it runs: once it is gone, they are no
 * longer its descendants. */
static void
remember_helpers (NatterTestEjabberd *self)
{
  g_autoptr(GArray) now = list_descendants (self->pid);

  if (self->helpers == NULL)
    self->helpers = g_array_new (FALSE, FALSE, sizeof (Process));
  for (guint i = 0; i < now->len; i++)
    {
      Process *process = &g_array_index (now, Process, i);
      gboolean known = FALSE;

      for (guint j = 0; j < self->helpers->len && !known; j++)
        known = g_array_index (self->helpers, Process, j).pid == process->pid &&
                g_array_index (self->helpers, Process, j).start == process->start;
      if (!known)
        g_array_append_val (self->helpers, *process);
    }
}

static void stop (NatterTestEjabberd *self,
                  int                 signum);

static gboolean
wait_until_listening (NatterTestEjabberd  *self,
                      GError             **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + START_TIMEOUT_US;

  while (g_get_monotonic_time () < deadline)
    {
      if (g_subprocess_get_identifier (self->process) == NULL)
        {
          g_autofree char *tail = log_tail (self);

          stop (self, SIGKILL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "ejabberd exited at start-up:\n%s", tail);
          return FALSE;
        }
      if (start_failed (self))
        {
          g_autofree char *tail = log_tail (self);

          stop (self, SIGKILL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "ejabberd failed to start:\n%s", tail);
          return FALSE;
        }
      remember_helpers (self);
      if (port_accepts (client, self->direct_tls_port) &&
          port_accepts (client, self->port) &&
          port_accepts (client, self->http_port))
        {
          g_debug ("ejabberd listening after %.1f s",
                   (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
          return TRUE;
        }
      g_usleep (50 * 1000);
    }

  {
    g_autofree char *tail = log_tail (self);

    stop (self, SIGKILL);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "ejabberd did not listen within %d s:\n%s",
                 (int) (START_TIMEOUT_US / G_USEC_PER_SEC), tail);
  }
  return FALSE;
}

static gboolean
spawn (NatterTestEjabberd  *self,
       GError             **error)
{
  static const char * const unset[] = {
    "ERL_FLAGS", "ERL_AFLAGS", "ERL_ZFLAGS", "ERL_INETRC", "ERL_EPMD_PORT", "ERL_EPMD_ADDRESS",
    "EJABBERDCTL_CONFIG_PATH", "CONTRIB_MODULES_PATH", "CONTRIB_MODULES_CONF_DIR",
  };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *stdout_path = g_build_filename (self->directory, "stdout.log", NULL);
  g_autofree char *spool = g_build_filename (self->directory, "spool", NULL);
  g_autofree char *crash_dump = g_build_filename (self->directory, "erl_crash.dump", NULL);
  g_autofree char *database = g_build_filename (self->directory, "ejabberd.sqlite", NULL);
  g_autofree char *q_spool = quote (spool);
  g_autofree char *q_database = quote (database);
  g_autofree char *wal = NULL;

  /* SQLite in WAL mode makes archive writes almost twice as fast.  The
   * mode is a property of the database file, so set it before ejabberd
   * opens the database (it then creates its tables in the empty file). */
  wal = g_strdup_printf ("{ok, _} = sqlite3:open(natter_wal, [{file, %s}]), "
                         "[{columns, _}, {rows, [{<<\"wal\">>}]}] = "
                         "sqlite3:sql_exec(natter_wal, \"pragma journal_mode = wal\"), "
                         "ok = sqlite3:close(natter_wal).",
                         q_database);

  g_remove (self->pid_file);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_subprocess_launcher_set_cwd (launcher, self->directory);
  g_subprocess_launcher_set_stdout_file_path (launcher, stdout_path);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDERR_MERGE);
  for (gsize i = 0; i < G_N_ELEMENTS (unset); i++)
    g_subprocess_launcher_unsetenv (launcher, unset[i]);
  g_subprocess_launcher_setenv (launcher, "HOME", self->directory, TRUE);
  g_subprocess_launcher_setenv (launcher, "ERL_LIBS", self->erl_libs, TRUE);
  g_subprocess_launcher_setenv (launcher, "ERL_CRASH_DUMP", crash_dump, TRUE);
  g_subprocess_launcher_setenv (launcher, "ERL_CRASH_DUMP_BYTES", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "EJABBERD_CONFIG_PATH", self->config_file, TRUE);
  g_subprocess_launcher_setenv (launcher, "EJABBERD_LOG_PATH", self->log_file, TRUE);
  g_subprocess_launcher_setenv (launcher, "EJABBERD_PID_PATH", self->pid_file, TRUE);

  /* Not distributed (no -sname): no epmd; -start_epmd false makes sure
   * nothing starts a global one.  The +sbwt flags stop idle schedulers
   * spinning, which matters with several servers on two cores. */
  self->process = g_subprocess_launcher_spawn (launcher, error, "erl",
                                               "-noinput", "-noshell",
                                               "-start_epmd", "false",
                                               "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none",
                                               "-mnesia", "dir", q_spool,
                                               "-eval", wal,
                                               "-s", "ejabberd",
                                               NULL);
  if (self->process == NULL)
    return FALSE;
  self->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (self->process), NULL, 10);

  return wait_until_listening (self, error);
}

static const char *
scram_hash_from_options (const NatterTestEjabberdOptions  *options,
                         GError                          **error)
{
  static const char * const hashes[] = { "sha", "sha256", "sha512" };

  if (options->scram_hash == NULL)
    return "sha";
  for (gsize i = 0; i < G_N_ELEMENTS (hashes); i++)
    {
      if (g_strcmp0 (options->scram_hash, hashes[i]) == 0)
        return hashes[i];
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "unknown SCRAM hash '%s' (sha, sha256 or sha512)", options->scram_hash);
  return NULL;
}

/**
 * natter_test_ejabberd_start:
 * @options: (nullable): settings; %NULL for the defaults
 * @error: return location for an error
 *
 * Starts a private ejabberd and waits until it accepts connections on all
 * its ports (about 1.5 s).  On failure the error carries the log's tail.
 *
 * Returns: (transfer full): the running server, or %NULL
 */
NatterTestEjabberd *
natter_test_ejabberd_start (const NatterTestEjabberdOptions  *options,
                            GError                          **error)
{
  static const NatterTestEjabberdOptions defaults = { 0, };
  g_autoptr(NatterTestEjabberd) self = g_new0 (NatterTestEjabberd, 1);
  const char *scram_hash;

  if (options == NULL)
    options = &defaults;

  if ((scram_hash = scram_hash_from_options (options, error)) == NULL)
    return NULL;
  if (options->archive_page_max != 0 &&
      options->archive_page_max != NATTER_TEST_EJABBERD_ARCHIVE_PAGE_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "ejabberd's MAM page limit is fixed at %u, not %u",
                   NATTER_TEST_EJABBERD_ARCHIVE_PAGE_MAX, options->archive_page_max);
      return NULL;
    }
  self->scram_hash = g_strdup (scram_hash);

  if ((self->erl_libs = find_erl_libs (error)) == NULL || !check_sqlite_driver (error))
    return NULL;

  self->directory = g_dir_make_tmp ("natter-ejabberd-XXXXXX", error);
  if (self->directory == NULL)
    return NULL;
  self->log_file = g_build_filename (self->directory, "ejabberd.log", NULL);
  self->pid_file = g_build_filename (self->directory, "ejabberd.pid", NULL);

  if ((self->port = pick_free_port (error)) == 0 ||
      (self->direct_tls_port = pick_free_port (error)) == 0 ||
      (self->http_port = pick_free_port (error)) == 0)
    return NULL;
  if (!natter_test_make_certificates (self->directory, NATTER_TEST_DOMAIN,
                                      &self->ca_file, &self->certificate_file, &self->key_file,
                                      &self->fingerprint, error) ||
      !write_config (self, options, error) ||
      !spawn (self, error))
    return NULL;

  g_debug ("ejabberd for %s on 127.0.0.1:%u (direct TLS %u, HTTP %u, SCRAM %s) in %s",
           NATTER_TEST_DOMAIN, self->port, self->direct_tls_port, self->http_port,
           self->scram_hash, self->directory);
  return g_steal_pointer (&self);
}

/* One HTTP/1.1 request to the server's own HTTP listener. */
static gboolean
http_post (NatterTestEjabberd  *self,
           const char          *path,
           const char          *body,
           guint               *status,
           char               **response_body,
           GError             **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *request = NULL;
  const char *separator;
  GInputStream *input;

  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", self->http_port, NULL, error);
  if (connection == NULL)
    return FALSE;

  request = g_strdup_printf ("POST %s HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                             "Connection: close\r\n"
                             "\r\n"
                             "%s",
                             path, self->http_port, strlen (body), body);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, strlen (request), NULL, NULL, error))
    return FALSE;

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  for (;;)
    {
      char buffer[4096];
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      g_string_append_len (received, buffer, n);
    }

  separator = strstr (received->str, "\r\n\r\n");
  if (!g_str_has_prefix (received->str, "HTTP/1.") || strlen (received->str) < 12 || separator == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not an HTTP response from ejabberd: %s", received->str);
      return FALSE;
    }
  *status = (guint) g_ascii_strtoull (received->str + 9, NULL, 10);
  *response_body = g_strdup (separator + 4);
  return TRUE;
}

/**
 * natter_test_ejabberd_call:
 * @self: a running server
 * @command: an ejabberd API command (as listed by `ejabberdctl help`),
 *   such as "register", "kick_user" or "send_message"
 * @json_arguments: (nullable): its arguments as a JSON object; %NULL for none
 * @response: (out) (optional): the JSON the server answered
 * @error: return location for an error
 *
 * Runs an administrative command through the server's HTTP API.
 *
 * Returns: %TRUE if the server answered 200 OK
 */
gboolean
natter_test_ejabberd_call (NatterTestEjabberd  *self,
                           const char          *command,
                           const char          *json_arguments,
                           char               **response,
                           GError             **error)
{
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (command != NULL, FALSE);

  if (!natter_test_ejabberd_is_running (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "ejabberd is not running: cannot run %s", command);
      return FALSE;
    }

  path = g_strdup_printf ("/api/%s", command);
  if (!http_post (self, path, json_arguments != NULL ? json_arguments : "{}", &status, &body, error))
    return FALSE;
  if (status != 200)
    {
      g_set_error (error, G_IO_ERROR, status == 409 ? G_IO_ERROR_EXISTS : G_IO_ERROR_FAILED,
                   "ejabberd %s: HTTP %u: %s", command, status, body);
      return FALSE;
    }
  if (response != NULL)
    *response = g_steal_pointer (&body);
  return TRUE;
}

/**
 * natter_test_ejabberd_add_account:
 * @self: a running server
 * @localpart: the account's localpart
 * @password: its password
 * @error: return location for an error
 *
 * Creates an account `localpart@natter.test`, its credentials stored for
 * the server's SCRAM hash.  If the account exists already, its password
 * is set to @password.  The server must be running.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_test_ejabberd_add_account (NatterTestEjabberd  *self,
                                  const char          *localpart,
                                  const char          *password,
                                  GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *j_localpart = NULL;
  g_autofree char *j_password = NULL;
  g_autofree char *arguments = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (localpart != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  j_localpart = json_quote (localpart);
  j_password = json_quote (password);
  arguments = g_strdup_printf ("{\"user\": %s, \"host\": \"" NATTER_TEST_DOMAIN "\", \"password\": %s}",
                               j_localpart, j_password);
  if (natter_test_ejabberd_call (self, "register", arguments, NULL, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_free (arguments);
  arguments = g_strdup_printf ("{\"user\": %s, \"host\": \"" NATTER_TEST_DOMAIN "\", \"newpass\": %s}",
                               j_localpart, j_password);
  return natter_test_ejabberd_call (self, "change_password", arguments, NULL, error);
}

static void
wait_for_exit (NatterTestEjabberd *self,
               gint64              timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  /* g_subprocess_wait() has no timeout: poll for the exit instead. */
  while (g_subprocess_get_identifier (self->process) != NULL &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static void
stop (NatterTestEjabberd *self,
      int                 signum)
{
  if (self->process == NULL)
    return;

  if (g_subprocess_get_identifier (self->process) != NULL)
    {
      remember_helpers (self);
      /* The VM stops cleanly on SIGTERM, in about a second. */
      g_subprocess_send_signal (self->process, signum);
      wait_for_exit (self, STOP_TIMEOUT_US);
      if (g_subprocess_get_identifier (self->process) != NULL)
        g_subprocess_force_exit (self->process);
    }
  g_subprocess_wait (self->process, NULL, NULL);
  /* The helpers exit when their pipes close; make sure. */
  if (self->helpers != NULL)
    finish_processes (self->helpers, 2 * G_USEC_PER_SEC);
  g_clear_pointer (&self->helpers, g_array_unref);
  g_clear_object (&self->process);
}

/**
 * natter_test_ejabberd_kill:
 * @self: a server
 *
 * Kills the server with SIGKILL, as a crash or a power cut would: no
 * stream is closed and no state is saved.  Its helper processes go too.
 */
void
natter_test_ejabberd_kill (NatterTestEjabberd *self)
{
  g_return_if_fail (self != NULL);

  stop (self, SIGKILL);
}

/**
 * natter_test_ejabberd_restart:
 * @self: a server
 * @error: return location for an error
 *
 * Stops the server cleanly if it runs, then starts it again on the same
 * ports with the same data.
 *
 * Returns: %TRUE once it accepts connections again
 */
gboolean
natter_test_ejabberd_restart (NatterTestEjabberd  *self,
                              GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  stop (self, SIGTERM);
  return spawn (self, error);
}

/**
 * natter_test_ejabberd_is_running:
 * @self: a server
 *
 * Returns: %TRUE while the Erlang VM is alive
 */
gboolean
natter_test_ejabberd_is_running (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

/**
 * natter_test_ejabberd_free:
 * @self: (nullable): a server
 *
 * Stops the server and removes its directory, unless
 * `NATTER_TEST_KEEP_SERVER` is set (to read its log after a run).
 */
void
natter_test_ejabberd_free (NatterTestEjabberd *self)
{
  if (self == NULL)
    return;

  stop (self, SIGTERM);
  if (self->directory != NULL && g_getenv ("NATTER_TEST_KEEP_SERVER") == NULL)
    natter_test_remove_tree (self->directory);

  g_free (self->directory);
  g_free (self->config_file);
  g_free (self->log_file);
  g_free (self->pid_file);
  g_free (self->ca_file);
  g_free (self->certificate_file);
  g_free (self->key_file);
  g_free (self->fingerprint);
  g_free (self->scram_hash);
  g_free (self->erl_libs);
  g_free (self);
}

/**
 * natter_test_ejabberd_dup_tls_database:
 * @self: a server
 * @error: return location for an error
 *
 * Returns: (transfer full): a database that trusts only the server's CA
 */
GTlsDatabase *
natter_test_ejabberd_dup_tls_database (NatterTestEjabberd  *self,
                                       GError             **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_tls_file_database_new (self->ca_file, error);
}

/** natter_test_ejabberd_get_domain: Returns: the XMPP domain, `natter.test` */
const char *
natter_test_ejabberd_get_domain (NatterTestEjabberd *self)
{
  return NATTER_TEST_DOMAIN;
}

/** natter_test_ejabberd_get_port: Returns: the STARTTLS client port */
guint16
natter_test_ejabberd_get_port (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

/** natter_test_ejabberd_get_direct_tls_port: Returns: the XEP-0368 direct TLS port */
guint16
natter_test_ejabberd_get_direct_tls_port (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->direct_tls_port;
}

/** natter_test_ejabberd_get_http_port: Returns: the HTTP port (API, file upload) */
guint16
natter_test_ejabberd_get_http_port (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->http_port;
}

/** natter_test_ejabberd_get_scram_hash: Returns: "sha", "sha256" or "sha512" */
const char *
natter_test_ejabberd_get_scram_hash (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->scram_hash;
}

/** natter_test_ejabberd_get_ca_file: Returns: the PEM file of the private CA */
const char *
natter_test_ejabberd_get_ca_file (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->ca_file;
}

/** natter_test_ejabberd_get_certificate_file: Returns: the PEM file of the server certificate */
const char *
natter_test_ejabberd_get_certificate_file (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->certificate_file;
}

/**
 * natter_test_ejabberd_get_fingerprint:
 * @self: a server
 *
 * Returns: the SHA-256 of the server certificate's DER, as 64 lowercase hex digits
 */
const char *
natter_test_ejabberd_get_fingerprint (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fingerprint;
}

/** natter_test_ejabberd_get_directory: Returns: the server's private directory */
const char *
natter_test_ejabberd_get_directory (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->directory;
}

/**
 * natter_test_ejabberd_get_pid:
 * @self: a server
 *
 * The Erlang VM's process (beam.smp), the fixture's direct child; its
 * helpers are its descendants.  It stays the same until the next restart.
 *
 * Returns: the process id of the last VM started, or 0
 */
GPid
natter_test_ejabberd_get_pid (NatterTestEjabberd *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pid;
}
