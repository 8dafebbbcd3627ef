/* natter-application.c: the application object
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per user session (GApplication's D-Bus uniqueness): a second
 * `natter` raises the existing window, and `natter --add-account` hands
 * its account to the running instance (natter-application-cli.c).
 * The application owns the accounts (and through them the database), which live from startup
 * to shutdown whatever windows come and go.  Application-wide actions live
 * here; GtkApplication loads gtk/help-overlay.ui from our resources by
 * itself and binds Ctrl+? to the shortcuts window.
 */
#include "config.h"

#include "natter-application.h"

#include <glib/gi18n.h>

#include "natter-add-account-dialog.h"
#include "natter-application-private.h"
#include "natter-preferences-window.h"
#include "natter-presence-display.h"
#include "natter-window.h"

G_DEFINE_FINAL_TYPE (NatterApplication, natter_application, ADW_TYPE_APPLICATION)

/**
 * natter_application_get_main_window:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): the main window, if one is open
 */
GtkWindow *
natter_application_get_main_window (NatterApplication *self)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (self), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (NATTER_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static GtkWindow *
ensure_main_window (NatterApplication *self)
{
  GtkWindow *window = natter_application_get_main_window (self);

  if (window == NULL)
    window = GTK_WINDOW (natter_window_new (self));
  return window;
}

/* The accounts connect with the first window: a process started only to
 * add an account from the command line leaves the others alone. */
static void
natter_application_activate (GApplication *app)
{
  NatterApplication *self = NATTER_APPLICATION (app);

  if (self->accounts != NULL && !self->connected)
    {
      self->connected = TRUE;
      natter_account_list_connect_all (self->accounts);
    }
  gtk_window_present (ensure_main_window (self));
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows;

  /* Close windows first so they save their state, then quit. */
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_destroy (window);
    }
  g_application_quit (app);
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Natter developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", PACKAGE_NAME,
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Natter developers"),
                        "developers", developers,
                        "comments", _("Chat over XMPP with end-to-end encryption"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Natter developers",
                        /* TRANSLATORS: your name and e-mail, one per line */
                        "translator-credits", _("translator-credits"),
                        "application", app,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
add_account_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  NatterApplication *self = NATTER_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  if (self->accounts == NULL)
    return;
  if (parent == NULL)
    {
      parent = ensure_main_window (self);
      gtk_window_present (parent);
    }
  dialog = natter_add_account_dialog_new (parent, self->accounts);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preferences_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  NatterApplication *self = NATTER_APPLICATION (user_data);
  GtkWidget *preferences;

  if (self->accounts == NULL)
    return;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (NATTER_IS_PREFERENCES_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  preferences = natter_preferences_window_new (ensure_main_window (self), self->accounts);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* app.set-presence (account JID or "" for all, show, status message) */
static void
set_presence_activated_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  NatterApplication *self = NATTER_APPLICATION (user_data);
  const char *jid;
  const char *nick;
  const char *status;
  NatterPresenceShow show;

  if (self->accounts == NULL)
    return;
  g_variant_get (parameter, "(&s&s&s)", &jid, &nick, &status);
  if (!natter_presence_show_from_nick (nick, &show))
    {
      g_debug ("app.set-presence: no availability is called “%s”", nick);
      return;
    }

  if (jid[0] == '\0')
    natter_account_list_set_presence (self->accounts, show, status);
  else
    {
      NatterAccount *account = natter_account_list_lookup (self->accounts, jid);

      if (account != NULL)
        natter_account_set_presence (account, show, status);
    }
}

/* app.open-conversation (account JID, peer JID): from a notification */
static void
open_conversation_activated_cb (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  NatterApplication *self = NATTER_APPLICATION (user_data);
  GtkWindow *window;

  if (self->accounts == NULL)
    return;
  window = ensure_main_window (self);
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-chat", parameter);
  gtk_window_present (window);
}

/* app.open-uri (an xmpp: URI): from the command line or a link */
static void
open_uri_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  NatterApplication *self = NATTER_APPLICATION (user_data);
  GtkWindow *window;

  if (self->accounts == NULL)
    return;
  window = ensure_main_window (self);
  gtk_window_present (window);
  natter_window_open_link (NATTER_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated_cb },
  { .name = "about", .activate = about_activated_cb },
  { .name = "add-account", .activate = add_account_activated_cb },
  { .name = "preferences", .activate = preferences_activated_cb },
  { .name = "set-presence", .activate = set_presence_activated_cb, .parameter_type = "(sss)" },
  { .name = "open-conversation", .activate = open_conversation_activated_cb,
    .parameter_type = "(ss)" },
  { .name = "open-uri", .activate = open_uri_activated_cb, .parameter_type = "s" },
};

/* The privacy preferences, applied to every account's pipeline. */
static void
apply_privacy (NatterApplication *self)
{
  GHashTableIter iter;
  gpointer messaging;

  if (self->messaging == NULL)
    return;
  g_hash_table_iter_init (&iter, self->messaging);
  while (g_hash_table_iter_next (&iter, NULL, &messaging))
    natter_messaging_set_privacy (messaging,
                                  g_settings_get_boolean (self->settings, "send-receipts"),
                                  g_settings_get_boolean (self->settings, "send-read-markers"));
}

/* Every account has one messaging pipeline while it is in the list: the
 * table is rebuilt from the list whenever accounts come or go. */
static void
accounts_changed_cb (NatterApplication *self)
{
  g_autoptr(GHashTable) kept = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      gpointer messaging = NULL;

      if (!g_hash_table_steal_extended (self->messaging, account, NULL, &messaging))
        messaging = natter_messaging_new (account, self->conversations);
      g_hash_table_insert (kept, account, messaging);
    }
  g_hash_table_remove_all (self->messaging);
  g_hash_table_unref (self->messaging);
  self->messaging = g_steal_pointer (&kept);
  apply_privacy (self);
}

static void
open_accounts (NatterApplication *self)
{
  g_autoptr(GError) error = NULL;

  self->accounts = natter_account_list_new_default (&error);
  if (self->accounts != NULL)
    self->conversations = natter_conversation_list_new (self->accounts, &error);
  if (self->conversations == NULL)
    {
      g_printerr ("%s\n", error->message);
      self->error = g_steal_pointer (&error);
      g_clear_object (&self->accounts);
      return;
    }

  self->messaging = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::send-receipts", G_CALLBACK (apply_privacy),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::send-read-markers",
                           G_CALLBACK (apply_privacy), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (accounts_changed_cb),
                           self, G_CONNECT_SWAPPED);
  accounts_changed_cb (self);
  self->notifier = natter_notifier_new (G_APPLICATION (self), self->conversations, self->accounts);
}

static void
natter_application_startup (GApplication *app)
{
  NatterApplication *self = NATTER_APPLICATION (app);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.search", { "<Control>k", "<Control>f", NULL } },
    { "win.add-contact", { "<Control><Shift>n", NULL } },
    { "win.new-conversation", { "<Control>n", NULL } },
    { "win.next-conversation", { "<Control>Page_Down", "<Control>Tab", NULL } },
    { "win.previous-conversation", { "<Control>Page_Up", "<Control><Shift>Tab", NULL } },
  };

  G_APPLICATION_CLASS (natter_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);

  open_accounts (self);
  if (self->accounts == NULL)
    {
      g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                                "add-account")),
                                   FALSE);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                                "preferences")),
                                   FALSE);
    }
}

static void
natter_application_shutdown (GApplication *app)
{
  NatterApplication *self = NATTER_APPLICATION (app);

  if (self->accounts != NULL)
    natter_account_list_disconnect_all (self->accounts);
  if (self->notifier != NULL)
    natter_notifier_withdraw_all (self->notifier);
  g_clear_object (&self->notifier);
  g_clear_pointer (&self->messaging, g_hash_table_unref);
  g_clear_object (&self->conversations);
  g_clear_object (&self->accounts);

  G_APPLICATION_CLASS (natter_application_parent_class)->shutdown (app);
}

static void
natter_application_dispose (GObject *object)
{
  NatterApplication *self = NATTER_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_pointer (&self->messaging, g_hash_table_unref);
  g_clear_object (&self->conversations);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (natter_application_parent_class)->dispose (object);
}

static void
natter_application_finalize (GObject *object)
{
  NatterApplication *self = NATTER_APPLICATION (object);

  g_clear_error (&self->error);

  G_OBJECT_CLASS (natter_application_parent_class)->finalize (object);
}

static void
natter_application_class_init (NatterApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = natter_application_dispose;
  object_class->finalize = natter_application_finalize;

  app_class->activate = natter_application_activate;
  app_class->startup = natter_application_startup;
  app_class->shutdown = natter_application_shutdown;
  app_class->handle_local_options = natter_application_handle_local_options;
  app_class->command_line = natter_application_command_line;
}

static void
natter_application_init (NatterApplication *self)
{
  natter_application_add_cli_options (self);
}

/**
 * natter_application_new:
 *
 * Returns: (transfer full): the application, not yet registered
 */
NatterApplication *
natter_application_new (void)
{
  return g_object_new (NATTER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * natter_application_get_accounts:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): the accounts, or %NULL before
 *   startup or if the store could not be opened
 */
NatterAccountList *
natter_application_get_accounts (NatterApplication *self)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (self), NULL);

  return self->accounts;
}

/**
 * natter_application_get_error:
 * @self: the application
 *
 * Returns: (nullable): why the accounts could not be loaded, if they
 *   could not
 */
const GError *
natter_application_get_error (NatterApplication *self)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (self), NULL);

  return self->error;
}

/**
 * natter_application_get_conversations:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): the conversations of every account,
 *   or %NULL when the accounts could not be loaded
 */
NatterConversationList *
natter_application_get_conversations (NatterApplication *self)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (self), NULL);

  return self->conversations;
}

/**
 * natter_application_get_notifier:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): what shows notifications, or %NULL
 *   when the accounts could not be loaded
 */
NatterNotifier *
natter_application_get_notifier (NatterApplication *self)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (self), NULL);

  return self->notifier;
}
