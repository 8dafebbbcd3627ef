/* natter-test-server.c: a private Prosody on 127.0.0.1 for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each server lives in a fresh temporary directory with its own
 * configuration, a private CA and a server certificate for natter.test
 * (and its subdomains, localhost and 127.0.0.1), SQLite storage and the
 * modules the client uses.  Ports are picked free on 127.0.0.1.  Prosody
 * is started with PR_SET_PDEATHSIG so that a test that aborts halfway
 * leaves no server behind.
 */
#include "config.h"

#include "natter-test-server.h"
#include "natter-test-certs.h"
#include "natter-test-files.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct _NatterTestServer
{
  char *directory;
  char *config_file;
  char *ca_file;
  char *certificate_file;
  char *fingerprint;
  GSubprocess *process;
  guint16 port;
  guint16 direct_tls_port;
  guint16 http_port;
  gsize   log_start;    /* where this run's lines begin in prosody.log */
};

#define START_TIMEOUT_US (15 * G_USEC_PER_SEC)

static void stop (NatterTestServer *self,
                  int               signum);

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

static gboolean
run (GError     **error,
     const char  *first_arg,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  const char *arg;
  va_list args;

  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                               error);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, error))
    return FALSE;
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", first_arg, output);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_certificates (NatterTestServer  *self,
                   GError           **error)
{
  return natter_test_make_certificates (self->directory, NATTER_TEST_DOMAIN,
                                        &self->ca_file, &self->certificate_file, NULL,
                                        &self->fingerprint, error);
}

static gboolean
write_config (NatterTestServer               *self,
              const NatterTestServerOptions  *options,
              GError                        **error)
{
  g_autofree char *data = g_build_filename (self->directory, "data", NULL);
  g_autofree char *config = NULL;
  const char *log_level = g_getenv ("NATTER_TEST_PROSODY_LOG");

  if (g_mkdir (data, 0700) != 0 && errno != EEXIST)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", data, g_strerror (errno));
      return FALSE;
    }

  config = g_strdup_printf (
    "-- Written by natter-test-server.c for one test run.\n"
    "run_as_root = %s\n"
    "daemonize = false\n"
    "pidfile = \"%s/prosody.pid\"\n"
    "data_path = \"%s\"\n"
    "certificates = \"%s\"\n"
    "interfaces = { \"127.0.0.1\" }\n"
    "local_interfaces = { \"127.0.0.1\" }\n"
    "c2s_ports = { %u }\n"
    "c2s_direct_tls_ports = { %u }\n"
    "s2s_ports = { }\n"
    "http_ports = { %u }\n"
    "http_interfaces = { \"127.0.0.1\" }\n"
    "https_ports = { }\n"
    "admin_socket = \"%s/admin.sock\"\n"
    "log = { { levels = { min = \"%s\" }, to = \"file\", filename = \"%s/prosody.log\" } }\n"
    "modules_enabled = {\n"
    "  \"roster\"; \"saslauth\"; \"tls\"; \"disco\"; \"carbons\"; \"mam\"; \"smacks\";\n"
    "  \"csi_simple\"; \"blocklist\"; \"pep\"; \"bookmarks\"; \"vcard4\"; \"vcard_legacy\";\n"
    "  \"ping\"; \"private\"; \"offline\"; \"time\"; \"version\"; \"admin_shell\";\n"
    "}\n"
    "modules_disabled = { \"s2s\" }\n"
    "authentication = \"internal_hashed\"\n"
    "storage = \"sql\"\n"
    "sql = { driver = \"SQLite3\", database = \"prosody.sqlite\" }\n"
    "c2s_require_encryption = true\n"
    "allow_registration = false\n"
    "default_archive_policy = true\n"
    "archive_expires_after = \"never\"\n"
    "mam_include_total = true\n"
    "max_archive_query_results = %u\n"
    "smacks_hibernation_time = %u\n"
    "ssl = { certificate = \"%s\", key = \"%s/server.key\" }\n"
    "%s\n"
    "VirtualHost \"" NATTER_TEST_DOMAIN "\"\n"
    "Component \"muc." NATTER_TEST_DOMAIN "\" \"muc\"\n"
    "  modules_enabled = { \"muc_mam\" }\n"
    "Component \"upload." NATTER_TEST_DOMAIN "\" \"http_file_share\"\n",
    getuid () == 0 ? "true" : "false",
    self->directory, data, self->directory,
    self->port, self->direct_tls_port, self->http_port,
    self->directory,
    log_level != NULL ? log_level : "info", self->directory,
    options->archive_page_max != 0 ? options->archive_page_max : 250,
    options->hibernation_seconds != 0 ? options->hibernation_seconds : 60,
    self->certificate_file, self->directory,
    options->extra_config != NULL ? options->extra_config : "");

  self->config_file = g_build_filename (self->directory, "prosody.cfg.lua", NULL);
  return g_file_set_contents (self->config_file, config, -1, error);
}

/* Runs in the child between fork and exec: the server dies with the test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (1);
}

static char *
log_tail (NatterTestServer *self)
{
  g_autofree char *path = g_build_filename (self->directory, "prosody.log", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("(no log)");
  return g_strdup (length > 2000 ? contents + length - 2000 : contents);
}

static gsize
log_length (NatterTestServer *self)
{
  g_autofree char *path = g_build_filename (self->directory, "prosody.log", NULL);
  GStatBuf info;

  return g_stat (path, &info) == 0 ? (gsize) info.st_size : 0;
}

/* Whether this run of Prosody could not open one of its ports: another
 * process took it between pick_free_port() and Prosody's bind().  Prosody
 * goes on without it, and a test would reach whoever holds the port. */
static gboolean
lost_a_port (NatterTestServer *self)
{
  g_autofree char *path = g_build_filename (self->directory, "prosody.log", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL) || length <= self->log_start)
    return FALSE;
  return strstr (contents + self->log_start, "Failed to open server port") != NULL;
}

static gboolean
wait_until_listening (NatterTestServer  *self,
                      GError           **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autofree char *pid_file = g_build_filename (self->directory, "prosody.pid", NULL);
  g_autofree char *admin_socket = g_build_filename (self->directory, "admin.sock", NULL);
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_US;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GSocketConnection) connection = NULL;

      if (g_subprocess_get_identifier (self->process) == NULL)
        {
          g_autofree char *tail = log_tail (self);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "prosody exited at start-up:\n%s", tail);
          return FALSE;
        }
      if (lost_a_port (self))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "prosody could not open one of ports %u, %u, %u", self->port,
                       self->direct_tls_port, self->http_port);
          return FALSE;
        }
      connection = g_socket_client_connect_to_host (client, "127.0.0.1", self->direct_tls_port, NULL, NULL);
      if (connection != NULL)
        {
          g_autoptr(GSocketConnection) plain = NULL;

          plain = g_socket_client_connect_to_host (client, "127.0.0.1", self->port, NULL, NULL);
          /* Listening is not all: the pid file and the admin socket (which
           * add_account uses) appear a moment later. */
          if (plain != NULL && g_file_test (pid_file, G_FILE_TEST_EXISTS) &&
              g_file_test (admin_socket, G_FILE_TEST_EXISTS) && !lost_a_port (self))
            return TRUE;
        }
      g_usleep (20 * 1000);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "prosody did not listen within %d s",
               (int) (START_TIMEOUT_US / G_USEC_PER_SEC));
  return FALSE;
}

static gboolean
spawn (NatterTestServer  *self,
       GError           **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *stdout_path = g_build_filename (self->directory, "stdout.log", NULL);
  g_autofree char *pid_file = g_build_filename (self->directory, "prosody.pid", NULL);
  g_autofree char *admin_socket = g_build_filename (self->directory, "admin.sock", NULL);

  /* Leftovers of a killed server would make it look ready at once. */
  g_unlink (pid_file);
  g_unlink (admin_socket);
  self->log_start = log_length (self);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_cwd (launcher, self->directory);
  g_subprocess_launcher_set_stdout_file_path (launcher, stdout_path);
  g_subprocess_launcher_take_stderr_fd (launcher, -1);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDERR_MERGE);
  self->process = g_subprocess_launcher_spawn (launcher, error, "prosody", "--config",
                                               self->config_file, "-F", NULL);
  if (self->process == NULL)
    return FALSE;

  return wait_until_listening (self, error);
}

/**
 * natter_test_server_start:
 * @options: (nullable): settings; %NULL for the defaults
 * @error: return location for an error
 *
 * Starts a private Prosody and waits until it accepts connections.
 *
 * Returns: (transfer full): the running server, or %NULL
 */
NatterTestServer *
natter_test_server_start (const NatterTestServerOptions  *options,
                          GError                        **error)
{
  static const NatterTestServerOptions defaults = { 0, };
  g_autoptr(NatterTestServer) self = g_new0 (NatterTestServer, 1);

  if (options == NULL)
    options = &defaults;

  self->directory = g_dir_make_tmp ("natter-prosody-XXXXXX", error);
  if (self->directory == NULL)
    return NULL;
  /* Prosody may drop privileges; let it reach its own directory. */
  g_chmod (self->directory, 0755);

  if (!make_certificates (self, error))
    return NULL;
  /* A port picked free may be taken before Prosody binds it (parallel
   * tests connect and listen all the time): then pick others. */
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;

      if ((self->port = pick_free_port (error)) == 0 ||
          (self->direct_tls_port = pick_free_port (error)) == 0 ||
          (self->http_port = pick_free_port (error)) == 0 ||
          !write_config (self, options, error))
        return NULL;
      if (spawn (self, &local_error))
        break;
      stop (self, SIGKILL);
      if (attempt == 5 ||
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("%s; trying other ports", local_error->message);
    }

  g_debug ("prosody for %s on 127.0.0.1:%u (direct TLS %u) in %s", NATTER_TEST_DOMAIN,
           self->port, self->direct_tls_port, self->directory);
  return g_steal_pointer (&self);
}

static char *
lua_quote (const char *text)
{
  GString *quoted = g_string_new ("'");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '\'');
  return g_string_free (quoted, FALSE);
}

/**
 * natter_test_server_add_account:
 * @self: a server
 * @localpart: the account's localpart
 * @password: its password
 * @error: return location for an error
 *
 * Creates an account `localpart@natter.test`.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_test_server_add_account (NatterTestServer  *self,
                                const char        *localpart,
                                const char        *password,
                                GError           **error)
{
  g_autofree char *command = NULL;
  g_autofree char *lua_localpart = NULL;
  g_autofree char *lua_password = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!natter_test_server_is_running (self))
    return run (error, "prosodyctl", "--config", self->config_file, "register",
                localpart, NATTER_TEST_DOMAIN, password, NULL);

  /* A running server holds its SQLite database: ask it over the admin
   * socket to create the account itself. */
  lua_localpart = lua_quote (localpart);
  lua_password = lua_quote (password);
  command = g_strdup_printf ("user:create(%s .. '@" NATTER_TEST_DOMAIN "', %s)",
                             lua_localpart, lua_password);
  return run (error, "prosodyctl", "--config", self->config_file, "shell", command, NULL);
}

static void
stop (NatterTestServer *self,
      int               signum)
{
  if (self->process == NULL)
    return;

  if (g_subprocess_get_identifier (self->process) != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      g_subprocess_send_signal (self->process, signum);
      /* g_subprocess_wait() has no timeout: poll for the exit instead. */
      while (g_subprocess_get_identifier (self->process) != NULL &&
             g_get_monotonic_time () < deadline)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10 * 1000);
        }
      if (g_subprocess_get_identifier (self->process) != NULL)
        g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
    }
  g_clear_object (&self->process);
}

/**
 * natter_test_server_kill:
 * @self: a server
 *
 * Kills the server with SIGKILL, as a crash or a power cut would: no
 * stream is closed and no state is saved.
 */
void
natter_test_server_kill (NatterTestServer *self)
{
  g_return_if_fail (self != NULL);

  stop (self, SIGKILL);
}

/**
 * natter_test_server_restart:
 * @self: a server
 * @error: return location for an error
 *
 * Stops the server cleanly if it runs, then starts it again on the same
 * ports with the same data.
 *
 * Returns: %TRUE once it accepts connections again
 */
gboolean
natter_test_server_restart (NatterTestServer  *self,
                            GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  stop (self, SIGTERM);
  return spawn (self, error);
}

/**
 * natter_test_server_is_running:
 * @self: a server
 *
 * Returns: %TRUE while the Prosody process is alive
 */
gboolean
natter_test_server_is_running (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

/**
 * natter_test_server_get_pid:
 * @self: a server
 *
 * Returns: the process id of the running Prosody (to read its CPU time
 *   in /proc), or 0 if it does not run
 */
GPid
natter_test_server_get_pid (NatterTestServer *self)
{
  const char *identifier;

  g_return_val_if_fail (self != NULL, 0);

  identifier = self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;
  return identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
}

/**
 * natter_test_server_free:
 * @self: (nullable): a server
 *
 * Stops the server and removes its directory, unless
 * `NATTER_TEST_KEEP_SERVER` is set (to read its log after a run).
 */
void
natter_test_server_free (NatterTestServer *self)
{
  if (self == NULL)
    return;

  stop (self, SIGTERM);
  if (self->directory != NULL && g_getenv ("NATTER_TEST_KEEP_SERVER") == NULL)
    natter_test_remove_tree (self->directory);

  g_free (self->directory);
  g_free (self->config_file);
  g_free (self->ca_file);
  g_free (self->certificate_file);
  g_free (self->fingerprint);
  g_free (self);
}

/**
 * natter_test_server_dup_tls_database:
 * @self: a server
 * @error: return location for an error
 *
 * Returns: (transfer full): a database that trusts only the server's CA
 */
GTlsDatabase *
natter_test_server_dup_tls_database (NatterTestServer  *self,
                                     GError           **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_tls_file_database_new (self->ca_file, error);
}

/** natter_test_server_get_domain: Returns: the XMPP domain, `natter.test` */
const char *
natter_test_server_get_domain (NatterTestServer *self)
{
  return NATTER_TEST_DOMAIN;
}

/** natter_test_server_get_port: Returns: the STARTTLS client port */
guint16
natter_test_server_get_port (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

/** natter_test_server_get_direct_tls_port: Returns: the XEP-0368 direct TLS port */
guint16
natter_test_server_get_direct_tls_port (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->direct_tls_port;
}

/** natter_test_server_get_http_port: Returns: the HTTP port (file upload) */
guint16
natter_test_server_get_http_port (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->http_port;
}

/** natter_test_server_get_ca_file: Returns: the PEM file of the private CA */
const char *
natter_test_server_get_ca_file (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->ca_file;
}

/** natter_test_server_get_certificate_file: Returns: the PEM file of the server certificate */
const char *
natter_test_server_get_certificate_file (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->certificate_file;
}

/**
 * natter_test_server_get_fingerprint:
 * @self: a server
 *
 * Returns: the SHA-256 of the server certificate's DER, as 64 lowercase hex digits
 */
const char *
natter_test_server_get_fingerprint (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fingerprint;
}

/** natter_test_server_get_directory: Returns: the server's private directory */
const char *
natter_test_server_get_directory (NatterTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->directory;
}
