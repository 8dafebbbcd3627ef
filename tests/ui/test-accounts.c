/* test-accounts.c: adding, editing and removing accounts through the window, against Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/natter-account-list-private.h"
#include "ui/ui.h"

#include "natter-test-server.h"
#include "natter-test-ui-accounts.h"
#include "natter-test-ui.h"

#define TIMEOUT 30

typedef struct
{
  NatterTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "alice", "wonderland", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static void
run (Fixture             *fixture,
     NatterTestUiAppFunc  func)
{
  NatterApplication *app = natter_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_cmpint (natter_test_ui_run_application (G_APPLICATION (app), func, fixture), ==, 0);
  g_assert_finalize_object (app);
}

static void
type_into (GtkWidget  *root,
           const char *row_title,
           const char *text)
{
  GtkWidget *row = natter_test_ui_find_descendant (root, ADW_TYPE_ENTRY_ROW, row_title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static NatterAddAccountDialog *
open_add_account (GApplication *app,
                  Fixture      *fixture,
                  const char   *jid,
                  const char   *password)
{
  g_autofree char *port = g_strdup_printf ("%u", natter_test_server_get_port (fixture->server));
  NatterAddAccountDialog *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  dialog = NATTER_ADD_ACCOUNT_DIALOG (natter_test_ui_find_window (NATTER_TYPE_ADD_ACCOUNT_DIALOG));
  g_assert_nonnull (dialog);
  natter_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  type_into (GTK_WIDGET (dialog), "Address", jid);
  type_into (GTK_WIDGET (dialog), "Password", password);
  type_into (GTK_WIDGET (dialog), "Server (host name or IP address)", "127.0.0.1");
  type_into (GTK_WIDGET (dialog), "Port", port);
  g_assert_null (natter_add_account_dialog_get_address_error (dialog));
  return dialog;
}

static NatterCertificateDialog *
find_certificate_dialog (void)
{
  return (NatterCertificateDialog *) natter_test_ui_find_window (NATTER_TYPE_CERTIFICATE_DIALOG);
}

static NatterAddAccountDialog *
find_add_account_dialog (void)
{
  return (NatterAddAccountDialog *) natter_test_ui_find_window (NATTER_TYPE_ADD_ACCOUNT_DIALOG);
}

static gboolean
is_online (NatterAccount *account)
{
  return account != NULL && natter_account_get_state (account) == NATTER_ACCOUNT_STATE_ONLINE;
}

static NatterPreferencesWindow *
open_preferences (GApplication *app)
{
  NatterPreferencesWindow *preferences;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = (NatterPreferencesWindow *)
    natter_test_ui_find_window (NATTER_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  natter_test_ui_wait_for_frame (GTK_WIDGET (preferences));
  return preferences;
}

static const char *
row_subtitle (NatterPreferencesWindow *preferences,
              NatterAccount           *account)
{
  GtkWidget *row = natter_preferences_window_get_account_row (preferences, account);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * An untrusted certificate is shown, and trusting it brings the account online
 * ------------------------------------------------------------------------ */

static void
untrusted_certificate (GApplication *app,
                       gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterAddAccountDialog *dialog;
  NatterCertificateDialog *certificate;
  NatterPreferencesWindow *preferences;
  NatterAccount *account;
  GtkWidget *page;

  dialog = open_add_account (app, fixture, "alice@" NATTER_TEST_DOMAIN, "wonderland");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "account.add", NULL);
  g_assert_true (natter_add_account_dialog_get_busy (dialog));

  /* The fixture's certificate comes from a private CA: not trusted. */
  NATTER_TEST_UI_WAIT ((certificate = find_certificate_dialog ()) != NULL, TIMEOUT);
  g_assert_cmpstr (natter_certificate_dialog_get_fingerprint (certificate), ==,
                   natter_test_server_get_fingerprint (fixture->server));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (certificate)) == GTK_WINDOW (dialog));

  account = natter_add_account_dialog_get_account (dialog);
  g_assert_nonnull (account);
  g_assert_cmpint (natter_account_get_state (account), ==, NATTER_ACCOUNT_STATE_ERROR);
  g_assert_nonnull (natter_account_get_untrusted_certificate (account));
  g_assert_cmpstr (natter_add_account_dialog_get_error (dialog), ==,
                   natter_account_get_error (account));
  g_assert_false (natter_add_account_dialog_get_busy (dialog));

  natter_test_ui_wait_for_frame (GTK_WIDGET (certificate));
  natter_test_ui_save_screens (GTK_WINDOW (certificate), "certificate", 720);

  /* Copying gives the fingerprint in pairs. */
  {
    g_autofree char *expected = natter_certificate_format_fingerprint (
      natter_test_server_get_fingerprint (fixture->server));
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (certificate));
    char *copied = NULL;

    gtk_widget_activate_action (GTK_WIDGET (certificate), "certificate.copy", NULL);
    gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &copied);
    NATTER_TEST_UI_WAIT (copied != NULL, TIMEOUT);
    g_strdelimit (expected, "\n", ':');
    g_assert_cmpstr (copied, ==, expected);
    g_assert_cmpuint (strlen (copied), ==, 32 * 3 - 1);
    g_free (copied);
  }

  /* Closing the certificate dialog keeps the error, and the certificate
   * can be reviewed again from the dialog. */
  gtk_window_close (GTK_WINDOW (certificate));
  NATTER_TEST_UI_WAIT (find_certificate_dialog () == NULL, TIMEOUT);
  g_assert_nonnull (natter_add_account_dialog_get_error (dialog));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (dialog),
                                                                       GTK_TYPE_BUTTON,
                                                                       "_Review Certificate…")));
  natter_test_ui_save_screens (GTK_WINDOW (dialog), "add-account-untrusted", 620);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "account.review-certificate", NULL);
  certificate = find_certificate_dialog ();
  g_assert_nonnull (certificate);
  natter_test_ui_wait_for_frame (GTK_WIDGET (certificate));

  /* Trusting pins the certificate and connects again. */
  gtk_widget_activate_action (GTK_WIDGET (certificate), "certificate.trust", NULL);
  g_assert_null (find_certificate_dialog ());
  NATTER_TEST_UI_WAIT (find_add_account_dialog () == NULL, TIMEOUT);

  account = natter_account_list_lookup (accounts, "alice@" NATTER_TEST_DOMAIN);
  g_assert_true (is_online (account));
  g_assert_nonnull (natter_account_get_pinned_certificates (account));
  g_assert_true (g_strv_contains (natter_account_get_pinned_certificates (account),
                                  natter_test_server_get_fingerprint (fixture->server)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  /* The preferences list it as online. */
  preferences = open_preferences (app);
  g_assert_nonnull (strstr (row_subtitle (preferences, account), "Online"));
  natter_test_ui_save_screens (GTK_WINDOW (preferences), "preferences", 640);

  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.edit-account", "s",
                              natter_account_get_jid (account));
  page = natter_preferences_window_get_page (preferences);
  g_assert_nonnull (page);
  natter_test_ui_spin (400);
  natter_test_ui_save_screens (GTK_WINDOW (preferences), "account-page", 900);
}

static void
test_untrusted_certificate (Fixture       *fixture,
                            gconstpointer  data)
{
  run (fixture, untrusted_certificate);
}

/* ------------------------------------------------------------------------
 * A wrong password shows the account's specific error in the dialog
 * ------------------------------------------------------------------------ */

static void
trust_fixture (GApplication *app,
               Fixture      *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = natter_test_server_dup_tls_database (fixture->server, &error);

  g_assert_no_error (error);
  natter_account_list_set_tls_database (natter_application_get_accounts (NATTER_APPLICATION (app)),
                                        database);
}

static void
wrong_password (GApplication *app,
                gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterAddAccountDialog *dialog;
  NatterAccount *account;
  NatterAccount *failed;

  trust_fixture (app, fixture);
  dialog = open_add_account (app, fixture, "alice@" NATTER_TEST_DOMAIN, "not the password");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "account.add", NULL);
  NATTER_TEST_UI_WAIT (natter_add_account_dialog_get_error (dialog) != NULL &&
                       !natter_add_account_dialog_get_busy (dialog), TIMEOUT);

  failed = natter_add_account_dialog_get_account (dialog);
  g_assert_nonnull (failed);
  g_assert_cmpint (natter_account_get_state (failed), ==, NATTER_ACCOUNT_STATE_ERROR);
  g_assert_cmpstr (natter_add_account_dialog_get_error (dialog), ==,
                   natter_account_get_error (failed));
  g_assert_true (g_str_has_prefix (natter_add_account_dialog_get_error (dialog),
                                   "The user name or password is wrong"));
  g_assert_null (find_certificate_dialog ());
  natter_test_ui_save_screens (GTK_WINDOW (dialog), "add-account-wrong-password", 620);

  /* Trying again with the right password replaces the failed account. */
  type_into (GTK_WIDGET (dialog), "Password", "wonderland");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "account.add", NULL);
  NATTER_TEST_UI_WAIT (find_add_account_dialog () == NULL, TIMEOUT);
  account = natter_account_list_lookup (accounts, "alice@" NATTER_TEST_DOMAIN);
  g_assert_true (is_online (account));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  run (fixture, wrong_password);
}

/* Closing the dialog takes away an account that never signed in. */
static void
cancel_removes_failed_account (GApplication *app,
                               gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterAddAccountDialog *dialog;

  trust_fixture (app, fixture);
  dialog = open_add_account (app, fixture, "alice@" NATTER_TEST_DOMAIN, "not the password");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "account.add", NULL);
  NATTER_TEST_UI_WAIT (natter_add_account_dialog_get_error (dialog) != NULL &&
                       !natter_add_account_dialog_get_busy (dialog), TIMEOUT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  gtk_window_close (GTK_WINDOW (dialog));
  NATTER_TEST_UI_WAIT (g_list_model_get_n_items (G_LIST_MODEL (accounts)) == 0, TIMEOUT);
}

static void
test_cancel_removes_failed_account (Fixture       *fixture,
                                    gconstpointer  data)
{
  run (fixture, cancel_removes_failed_account);
}

/* ------------------------------------------------------------------------
 * Editing, disabling and removing through the preferences
 * ------------------------------------------------------------------------ */

static void
edit_disable_remove (GApplication *app,
                     gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  GtkWindow *window = natter_application_get_main_window (NATTER_APPLICATION (app));
  static const char *markup_name = "<b>Work</b> &amp; play";
  g_autofree char *port = g_strdup_printf ("%u", natter_test_server_get_port (fixture->server));
  NatterPreferencesWindow *preferences;
  NatterAccount *account;
  GtkWidget *row;
  GtkWidget *page;
  GtkWidget *enabled;
  AdwMessageDialog *confirm;

  account = natter_test_ui_add_account (accounts, fixture->server, "alice@" NATTER_TEST_DOMAIN,
                                        "wonderland", TIMEOUT);
  preferences = open_preferences (app);
  row = natter_preferences_window_get_account_row (preferences, account);
  g_assert_nonnull (strstr (row_subtitle (preferences, account), "Online"));

  /* A name with markup in it is a name, shown as it is. */
  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.edit-account", "s",
                              natter_account_get_jid (account));
  page = natter_preferences_window_get_page (preferences);
  g_assert_nonnull (page);
  type_into (page, "Name", markup_name);
  type_into (page, "Port", "0");
  g_assert_nonnull (natter_account_page_get_error (NATTER_ACCOUNT_PAGE (page)));
  type_into (page, "Port", port);
  g_assert_null (natter_account_page_get_error (NATTER_ACCOUNT_PAGE (page)));
  gtk_widget_activate_action (page, "page.save", NULL);
  NATTER_TEST_UI_WAIT (natter_preferences_window_get_page (preferences) == NULL, TIMEOUT);
  g_assert_cmpstr (natter_account_get_display_name (account), ==, markup_name);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, markup_name);
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
  NATTER_TEST_UI_WAIT (is_online (account), TIMEOUT);

  /* The switch disables and enables the account. */
  enabled = natter_test_ui_find_descendant (row, GTK_TYPE_SWITCH, NULL);
  g_assert_nonnull (enabled);
  gtk_switch_set_active (GTK_SWITCH (enabled), FALSE);
  g_assert_false (natter_account_get_enabled (account));
  NATTER_TEST_UI_WAIT (natter_account_get_state (account) == NATTER_ACCOUNT_STATE_OFFLINE, TIMEOUT);
  g_assert_nonnull (strstr (row_subtitle (preferences, account), "Offline"));
  gtk_switch_set_active (GTK_SWITCH (enabled), TRUE);
  NATTER_TEST_UI_WAIT (is_online (account), TIMEOUT);

  /* Removing asks first. */
  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.remove-account", "s",
                              natter_account_get_jid (account));
  confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  natter_test_ui_wait_for_frame (GTK_WIDGET (confirm));
  g_free (natter_test_ui_save_png (GTK_WIDGET (confirm), "remove-account-confirm"));
  adw_message_dialog_response (confirm, "cancel");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.remove-account", "s",
                              natter_account_get_jid (account));
  confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (confirm, "remove");
  NATTER_TEST_UI_WAIT (g_list_model_get_n_items (G_LIST_MODEL (accounts)) == 0, TIMEOUT);

  /* With no account left, the window welcomes the user again. */
  NATTER_TEST_UI_WAIT (gtk_widget_get_mapped (natter_test_ui_find_descendant (GTK_WIDGET (window),
                                                                             GTK_TYPE_LABEL,
                                                                             "Welcome to Natter")),
                       TIMEOUT);
}

static void
test_edit_disable_remove (Fixture       *fixture,
                          gconstpointer  data)
{
  run (fixture, edit_disable_remove);
}

/* ------------------------------------------------------------------------
 * An account of the preferences: certificate, reconnecting, new password
 * ------------------------------------------------------------------------ */

static void
add_account_failing_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  NatterAccount **account = user_data;
  g_autoptr(GError) error = NULL;

  *account = natter_account_list_add_finish (NATTER_ACCOUNT_LIST (object), result, &error);
  g_assert_no_error (error);
}

static NatterAccount *
add_failing_account (NatterAccountList *accounts,
                     Fixture           *fixture,
                     const char        *password,
                     const char        *pin)
{
  NatterAccountOptions options = {
    .host = "127.0.0.1",
    .port = natter_test_server_get_port (fixture->server),
    .pinned_certificate = pin,
  };
  NatterAccount *account = NULL;

  natter_account_list_add_async (accounts, "alice@" NATTER_TEST_DOMAIN, password, &options, NULL,
                                 add_account_failing_cb, &account);
  NATTER_TEST_UI_WAIT (account != NULL, TIMEOUT);
  NATTER_TEST_UI_WAIT (natter_account_get_state (account) == NATTER_ACCOUNT_STATE_ERROR, TIMEOUT);
  g_object_unref (account);
  return account;
}

static void
review_and_reconnect (GApplication *app,
                      gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterPreferencesWindow *preferences;
  NatterCertificateDialog *certificate;
  NatterAccount *account;
  GtkWidget *certificate_button;
  GtkWidget *row;
  GtkWidget *page;
  g_autoptr(GError) error = NULL;

  /* Pinned to some other certificate: this one is not trusted. */
  account = add_failing_account (accounts, fixture, "wonderland",
                                 "00000000000000000000000000000000"
                                 "00000000000000000000000000000000");
  g_assert_nonnull (natter_account_get_untrusted_certificate (account));

  preferences = open_preferences (app);
  row = natter_preferences_window_get_account_row (preferences, account);
  g_assert_nonnull (strstr (row_subtitle (preferences, account), "not trusted"));
  certificate_button = natter_test_ui_find_descendant (row, GTK_TYPE_BUTTON, NULL);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (certificate_button)), ==,
                   "prefs.review-certificate");
  g_assert_nonnull (gtk_widget_get_tooltip_text (certificate_button));
  g_assert_true (gtk_widget_is_visible (certificate_button));
  natter_test_ui_save_screens (GTK_WINDOW (preferences), "preferences-untrusted", 640);

  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.review-certificate", "s",
                              natter_account_get_jid (account));
  certificate = find_certificate_dialog ();
  g_assert_nonnull (certificate);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (certificate)) ==
                 GTK_WINDOW (preferences));
  g_assert_cmpstr (natter_certificate_dialog_get_fingerprint (certificate), ==,
                   natter_test_server_get_fingerprint (fixture->server));
  gtk_widget_activate_action (GTK_WIDGET (certificate), "certificate.trust", NULL);
  NATTER_TEST_UI_WAIT (is_online (account), TIMEOUT);
  g_assert_false (gtk_widget_is_visible (certificate_button));

  /* The server goes away: the page offers to connect, which works once
   * the server is back. */
  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.edit-account", "s",
                              natter_account_get_jid (account));
  page = natter_preferences_window_get_page (preferences);
  g_assert_nonnull (page);
  natter_test_server_kill (fixture->server);
  NATTER_TEST_UI_WAIT (natter_account_get_state (account) ==
                       NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT, TIMEOUT);
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (page, GTK_TYPE_BUTTON,
                                                                       "Co_nnect")));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (page, ADW_TYPE_ACTION_ROW,
                                                                       "Last Error")));
  natter_test_ui_save_screens (GTK_WINDOW (preferences), "account-page-error", 900);
  natter_test_server_restart (fixture->server, &error);
  g_assert_no_error (error);
  gtk_widget_activate_action (page, "prefs.connect-account", "s", natter_account_get_jid (account));
  g_assert_cmpint (natter_account_get_state (account), !=,
                   NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT);
  NATTER_TEST_UI_WAIT (is_online (account), TIMEOUT);

  gtk_widget_activate_action (page, "page.back", NULL);
  NATTER_TEST_UI_WAIT (natter_preferences_window_get_page (preferences) == NULL, TIMEOUT);
}

static void
test_review_and_reconnect (Fixture       *fixture,
                           gconstpointer  data)
{
  run (fixture, review_and_reconnect);
}

static void
new_password (GApplication *app,
              gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterPreferencesWindow *preferences;
  NatterAccount *account;
  GtkWidget *page;

  account = add_failing_account (accounts, fixture, "not the password",
                                 natter_test_server_get_fingerprint (fixture->server));
  preferences = open_preferences (app);
  g_assert_nonnull (strstr (row_subtitle (preferences, account), "password is wrong"));

  gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.edit-account", "s",
                              natter_account_get_jid (account));
  page = natter_preferences_window_get_page (preferences);
  type_into (page, "New Password", "wonderland");
  gtk_widget_activate_action (page, "page.save", NULL);
  NATTER_TEST_UI_WAIT (natter_preferences_window_get_page (preferences) == NULL, TIMEOUT);
  NATTER_TEST_UI_WAIT (is_online (account), TIMEOUT);
  g_assert_nonnull (strstr (row_subtitle (preferences, account), "Online"));
}

static void
test_new_password (Fixture       *fixture,
                   gconstpointer  data)
{
  run (fixture, new_password);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add ("/natter/ui/accounts/untrusted-certificate", Fixture, NULL,
              fixture_set_up, test_untrusted_certificate, fixture_tear_down);
  g_test_add ("/natter/ui/accounts/wrong-password", Fixture, NULL,
              fixture_set_up, test_wrong_password, fixture_tear_down);
  g_test_add ("/natter/ui/accounts/cancel-removes-failed-account", Fixture, NULL,
              fixture_set_up, test_cancel_removes_failed_account, fixture_tear_down);
  g_test_add ("/natter/ui/accounts/edit-disable-remove", Fixture, NULL,
              fixture_set_up, test_edit_disable_remove, fixture_tear_down);
  g_test_add ("/natter/ui/accounts/review-certificate-and-reconnect", Fixture, NULL,
              fixture_set_up, test_review_and_reconnect, fixture_tear_down);
  g_test_add ("/natter/ui/accounts/new-password", Fixture, NULL,
              fixture_set_up, test_new_password, fixture_tear_down);

  return g_test_run ();
}
