/* natter-application-cli.c: setting Natter up from the command line
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `natter --add-account JID [--host HOST] [--port PORT] [--direct-tls]
 *  [--pin-certificate SHA256] --password-stdin` adds an account without a
 * click, for administrators and tests.
 *
 * The password is read from standard input by the process that was
 * started, in handle-local-options, and travels to the running instance
 * inside the options of the D-Bus command-line call, never on anyone's
 * argv, and is never logged.  The account is kept only once it has signed
 * in: a wrong password, an unknown host or an untrusted certificate is
 * printed (the same translated wording the dialog shows), the account is
 * removed again and the exit status is 1.
 *
 * Without a running instance the started process is the primary one: it
 * adds the account to the store for the next start, and exits.  GLib
 * reports a status of 0 for a local command line that keeps the main loop
 * running, so there the command line waits for the outcome itself.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "natter-application-private.h"

/* The key of the password in the options dictionary. */
#define PASSWORD_KEY "natter-password"

/* More than any password anyone types or pastes. */
#define PASSWORD_MAX_BYTES 4096

/* How long the new account has to sign in. */
#define SIGN_IN_TIMEOUT_SECONDS 60

static const GOptionEntry cli_options[] = {
  { "add-account", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Add the XMPP account JID once it signs in, then exit"), N_("JID") },
  { "host", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Connect to HOST, not to the domain’s servers"), N_("HOST") },
  { "port", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("The port on HOST (default 5222, or 5223 with TLS)"), N_("PORT") },
  { "direct-tls", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start with TLS on HOST (XEP-0368), not STARTTLS"), NULL },
  { "pin-certificate", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Trust the server certificate with this SHA-256 fingerprint"), N_("SHA256") },
  { "password-stdin", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Read the password from the first line of standard input"), NULL },
  { NULL }
};

/**
 * natter_application_add_cli_options:
 * @self: the application
 *
 * Declares the command-line options `natter --help` documents.
 */
void
natter_application_add_cli_options (NatterApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), cli_options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[xmpp:URI]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Chat over XMPP.\n"
      "\n"
      "To set Natter up from a script, add each account with\n"
      "  natter --add-account JID [--host HOST] [--port PORT] [--direct-tls]\n"
      "         [--pin-certificate SHA256] --password-stdin < FILE\n"
      "The other options go with --add-account; --port and --direct-tls with --host.\n"
      "The account goes to the running Natter, or is kept for its next start.\n"
      "Natter exits with status 0 once the account has signed in; otherwise it\n"
      "prints why, keeps nothing, and exits with status 1.\n"
      "\n"
      "An xmpp: URI opens its conversation, e.g. xmpp:bob@example.org;\n"
      "?message;body=TEXT puts TEXT in the composer, ?roster offers to add the contact."));
}

static void
wipe (char *buffer,
      gsize size)
{
  volatile char *p = buffer;

  while (size-- > 0)
    *p++ = '\0';
}

/* Reads the first line of standard input, without echo on a terminal. */
static char *
read_password (const char  *jid,
               GError     **error)
{
  char buffer[PASSWORD_MAX_BYTES + 2];
  gsize length = 0;
  gboolean terminal = isatty (STDIN_FILENO);
  struct termios saved;
  gboolean echo_off = FALSE;
  char *password;

  if (terminal)
    {
      struct termios quiet;

      /* TRANSLATORS: a prompt on the terminal; %s is the account's address */
      g_printerr (_("Password for %s: "), jid);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  while (length < sizeof buffer - 1)
    {
      ssize_t n = read (STDIN_FILENO, buffer + length, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          if (echo_off)
            tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
          wipe (buffer, sizeof buffer);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read the password from standard input: %s"),
                       g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0 || buffer[length] == '\n')
        break;
      length++;
    }
  buffer[length] = '\0';

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  if (length > PASSWORD_MAX_BYTES)
    {
      wipe (buffer, sizeof buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The password on standard input is longer than %u bytes"),
                   (guint) PASSWORD_MAX_BYTES);
      return NULL;
    }
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';
  if (length == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("No password on standard input"));
      return NULL;
    }
  if (!g_utf8_validate (buffer, length, NULL))
    {
      wipe (buffer, sizeof buffer);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The password on standard input is not valid UTF-8 text"));
      return NULL;
    }

  password = g_strndup (buffer, length);
  wipe (buffer, sizeof buffer);
  return password;
}

/**
 * natter_application_handle_local_options:
 * @app: the application
 * @options: the parsed options
 *
 * Checks the options of `--add-account` in the process that was started
 * and reads the password there, before the command line goes to the
 * primary instance.
 *
 * Returns: -1 to go on, or an exit status
 */
int
natter_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  static const char *account_only[] = {
    "host", "port", "direct-tls", "pin-certificate", "password-stdin",
  };
  g_autoptr(GError) error = NULL;
  const char *jid = NULL;
  gboolean password_stdin = FALSE;
  char *password;
  int port;

  /* Only the running instance's command line may carry a password. */
  g_variant_dict_remove (options, PASSWORD_KEY);

  if (!g_variant_dict_lookup (options, "add-account", "&s", &jid))
    {
      for (guint i = 0; i < G_N_ELEMENTS (account_only); i++)
        if (g_variant_dict_contains (options, account_only[i]))
          {
            /* TRANSLATORS: %s is an option such as --host */
            g_printerr (_("natter: --%s goes with --add-account\n"), account_only[i]);
            return 1;
          }
      return -1;
    }

  if (g_variant_dict_lookup (options, "port", "i", &port))
    {
      if (port < 1 || port > G_MAXUINT16)
        {
          g_printerr (_("natter: the port %d is not between 1 and 65535\n"), port);
          return 1;
        }
      if (!g_variant_dict_contains (options, "host"))
        {
          g_printerr (_("natter: --port goes with --host\n"));
          return 1;
        }
    }
  if (g_variant_dict_contains (options, "direct-tls") && !g_variant_dict_contains (options, "host"))
    {
      g_printerr (_("natter: --direct-tls goes with --host\n"));
      return 1;
    }

  g_variant_dict_lookup (options, "password-stdin", "b", &password_stdin);
  if (!password_stdin)
    {
      g_printerr (_("natter: --add-account needs --password-stdin and the password on "
                    "standard input\n"));
      return 1;
    }

  password = read_password (jid, &error);
  if (password == NULL)
    {
      g_printerr ("natter: %s\n", error->message);
      return 1;
    }
  g_variant_dict_insert_value (options, PASSWORD_KEY, g_variant_new_take_string (password));
  return -1;
}

/* ------------------------------------------------------------------------
 * Adding the account in the primary instance
 * ------------------------------------------------------------------------ */

typedef struct
{
  NatterApplication       *app;
  GApplicationCommandLine *command_line;
  NatterAccount           *account;
  char                    *jid;
  guint                    timeout_id;
  gboolean                 local;
  gboolean                 done;
  int                      status;
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  if (job->account != NULL)
    g_signal_handlers_disconnect_by_data (job->account, job);
  g_clear_object (&job->account);
  g_clear_object (&job->command_line);
  g_clear_object (&job->app);
  g_free (job->jid);
  g_free (job);
}

/* Ends the command line with @status.  A remote caller exits when the
 * command line object goes away; a local one returns from the nested
 * loop in natter_application_command_line(). */
static void
finish (AddJob *job,
        int     status)
{
  job->status = status;
  job->done = TRUE;
  g_application_command_line_set_exit_status (job->command_line, status);
  if (!job->local)
    {
      g_application_release (G_APPLICATION (job->app));
      add_job_free (job);
    }
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AddJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!natter_account_list_remove_finish (NATTER_ACCOUNT_LIST (object), result, &error))
    g_application_command_line_printerr (job->command_line, "natter: %s\n", error->message);
  finish (job, 1);
}

/* The account did not sign in: say why and take it away again. */
static void
fail (AddJob     *job,
      const char *message)
{
  NatterAccountList *accounts = job->app->accounts;

  g_clear_handle_id (&job->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (job->account, job);
  g_application_command_line_printerr (job->command_line, "natter: %s: %s\n", job->jid, message);

  if (accounts == NULL)
    {
      finish (job, 1);
      return;
    }
  natter_account_list_remove_async (accounts, job->account, NULL, removed_cb, job);
}

/* Without a keyring the account works until Natter quits, and asks for
 * its password at the next start: worth saying to whoever set it up. */
static void
secret_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AddJob *job = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = natter_secret_lookup_finish (result, &error);
  if (password == NULL)
    g_application_command_line_printerr (job->command_line,
                                         _("natter: %s: the password could not be saved in a "
                                           "keyring (Secret Service), so Natter asks for it when "
                                           "it starts\n"),
                                         job->jid);
  natter_secret_free (password);
  finish (job, 0);
}

static void
account_state_cb (NatterAccount *account,
                  GParamSpec    *pspec,
                  AddJob        *job)
{
  const char *error = natter_account_get_error (account);

  switch (natter_account_get_state (account))
    {
    case NATTER_ACCOUNT_STATE_ONLINE:
      g_clear_handle_id (&job->timeout_id, g_source_remove);
      g_signal_handlers_disconnect_by_data (account, job);
      /* TRANSLATORS: %s is the account's address */
      g_application_command_line_print (job->command_line, _("Added the account %s\n"), job->jid);
      natter_secret_lookup_async (job->jid, NULL, secret_checked_cb, job);
      break;

    case NATTER_ACCOUNT_STATE_ERROR:
    case NATTER_ACCOUNT_STATE_NEEDS_PASSWORD:
    case NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT:
      fail (job, error != NULL ? error : _("The account could not sign in"));
      break;

    case NATTER_ACCOUNT_STATE_OFFLINE:
    case NATTER_ACCOUNT_STATE_CONNECTING:
    default:
      break;
    }
}

static gboolean
timeout_cb (gpointer user_data)
{
  AddJob *job = user_data;
  g_autofree char *message = NULL;

  job->timeout_id = 0;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The account did not sign in within %u second",
                                          "The account did not sign in within %u seconds",
                                          SIGN_IN_TIMEOUT_SECONDS),
                             (guint) SIGN_IN_TIMEOUT_SECONDS);
  fail (job, message);
  return G_SOURCE_REMOVE;
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AddJob *job = user_data;
  g_autoptr(GError) error = NULL;

  job->account = natter_account_list_add_finish (NATTER_ACCOUNT_LIST (object), result, &error);
  if (job->account == NULL)
    {
      g_application_command_line_printerr (job->command_line, "natter: %s\n", error->message);
      finish (job, 1);
      return;
    }

  g_free (job->jid);
  job->jid = g_strdup (natter_account_get_jid (job->account));
  g_signal_connect (job->account, "notify::state", G_CALLBACK (account_state_cb), job);
  job->timeout_id = g_timeout_add_seconds (SIGN_IN_TIMEOUT_SECONDS, timeout_cb, job);
  account_state_cb (job->account, NULL, job);
}

static int
add_account (NatterApplication       *self,
             GApplicationCommandLine *command_line,
             GVariantDict            *options)
{
  NatterAccountOptions account_options = { NULL, };
  g_autoptr(GVariant) password = NULL;
  const char *jid = NULL;
  int port = 0;
  AddJob *job;
  int status;

  g_variant_dict_lookup (options, "add-account", "&s", &jid);
  password = g_variant_dict_lookup_value (options, PASSWORD_KEY, G_VARIANT_TYPE_STRING);
  if (password == NULL)
    {
      g_application_command_line_printerr (command_line,
                                           _("natter: --add-account needs --password-stdin and "
                                             "the password on standard input\n"));
      return 1;
    }
  if (self->accounts == NULL)
    {
      g_application_command_line_printerr (command_line, "natter: %s\n", self->error->message);
      return 1;
    }

  g_variant_dict_lookup (options, "host", "&s", &account_options.host);
  if (g_variant_dict_lookup (options, "port", "i", &port) && port > 0 && port <= G_MAXUINT16)
    account_options.port = port;
  g_variant_dict_lookup (options, "direct-tls", "b", &account_options.direct_tls);
  g_variant_dict_lookup (options, "pin-certificate", "&s", &account_options.pinned_certificate);

  job = g_new0 (AddJob, 1);
  job->app = g_object_ref (self);
  job->command_line = g_object_ref (command_line);
  job->jid = g_strdup (jid);
  job->local = !g_application_command_line_get_is_remote (command_line);

  natter_account_list_add_async (self->accounts, jid, g_variant_get_string (password, NULL),
                                 &account_options, NULL, added_cb, job);
  if (!job->local)
    {
      g_application_hold (G_APPLICATION (self));
      return 0;
    }

  while (!job->done)
    g_main_context_iteration (NULL, TRUE);
  status = job->status;
  add_job_free (job);
  return status;
}

/**
 * natter_application_command_line:
 * @app: the application
 * @command_line: a command line, of this process or of another
 *
 * Adds an account for `--add-account`, opens an `xmpp:` URI given as the
 * argument, and otherwise shows the window.
 *
 * Returns: the exit status, unless a remote caller waits for it
 */
int
natter_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *command_line)
{
  NatterApplication *self = NATTER_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_auto(GStrv) arguments = NULL;
  int argc;

  if (g_variant_dict_contains (options, "add-account"))
    return add_account (self, command_line, options);

  arguments = g_application_command_line_get_arguments (command_line, &argc);
  /* `natter xmpp:bob@example.org?message;body=Hi` (RFC 5122) */
  if (argc == 2 && g_ascii_strncasecmp (arguments[1], "xmpp:", 5) == 0)
    {
      g_application_activate (app);
      g_action_group_activate_action (G_ACTION_GROUP (app), "open-uri",
                                      g_variant_new_string (arguments[1]));
      return 0;
    }
  if (argc > 1)
    {
      /* TRANSLATORS: %s is what was given on the command line */
      g_application_command_line_printerr (command_line, _("natter: unknown argument “%s”\n"),
                                           arguments[1]);
      return 1;
    }

  g_application_activate (app);
  return 0;
}
