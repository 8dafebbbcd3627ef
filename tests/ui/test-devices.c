/* test-devices.c: OMEMO devices, fingerprints and trust in the window, against Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ui/ui.h"

#include "natter-test-notifications.h"
#include "natter-test-server.h"
#include "natter-test-ui-accounts.h"
#include "natter-test-ui.h"

#define TIMEOUT 30
#define ALICE "alice@" NATTER_TEST_DOMAIN
#define BOB "bob@" NATTER_TEST_DOMAIN

typedef struct
{
  NatterTestServer        *server;
  NatterTestNotifications *desktop;
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
  natter_test_server_add_account (fixture->server, "bob", "builder", &error);
  g_assert_no_error (error);
  fixture->desktop = natter_test_notifications_start ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, natter_test_server_free);
  g_clear_pointer (&fixture->desktop, natter_test_notifications_free);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (natter_roster_add_contact_finish (NATTER_ROSTER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
subscribed_both (NatterAccount *account,
                 const char    *jid)
{
  NatterContact *contact = natter_roster_lookup (natter_account_get_roster (account), jid);

  return contact != NULL && natter_contact_get_subscription (contact) == NATTER_SUBSCRIPTION_BOTH;
}

/* The device of @jid that @account knows with a fingerprint, if any. */
static NatterOmemoDevice *
known_device (NatterAccount *account,
              const char    *jid)
{
  GListModel *devices = natter_omemo_get_devices (natter_account_get_omemo (account), jid);

  for (guint i = 0; devices != NULL && i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(NatterOmemoDevice) device = g_list_model_get_item (devices, i);

      if (natter_omemo_device_get_fingerprint (device) != NULL)
        return device;
    }
  return NULL;
}

/* The header's encryption toggle (a menu button holds a toggle too). */
static GtkWidget *
find_lock (NatterChatView *view)
{
  g_autoptr(GPtrArray) toggles = natter_test_ui_find_all (GTK_WIDGET (view), GTK_TYPE_TOGGLE_BUTTON);

  for (guint i = 0; i < toggles->len; i++)
    if (g_str_has_prefix (gtk_button_get_icon_name (g_ptr_array_index (toggles, i)) ?: "", "channel-"))
      return g_ptr_array_index (toggles, i);
  return NULL;
}

static void
devices (GApplication *app,
         gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterWindow *window = NATTER_WINDOW (natter_application_get_main_window (NATTER_APPLICATION (app)));
  NatterAccount *alice;
  NatterAccount *bob;
  NatterDevicesDialog *dialog;
  NatterOmemoDevice *device;
  g_autofree char *bob_fingerprint = NULL;
  g_autofree char *own = NULL;
  gboolean done = FALSE;

  alice = natter_test_ui_add_account (accounts, fixture->server, ALICE, "wonderland", TIMEOUT);
  bob = natter_test_ui_add_account (accounts, fixture->server, BOB, "builder", TIMEOUT);

  /* On Prosody only contacts read each other's OMEMO nodes. */
  natter_roster_add_contact_async (natter_account_get_roster (alice), BOB, NULL, NULL, NULL,
                                   added_cb, &done);
  NATTER_TEST_UI_WAIT (done, TIMEOUT);
  NATTER_TEST_UI_WAIT (natter_roster_lookup (natter_account_get_roster (bob), ALICE) != NULL, TIMEOUT);
  g_assert_true (natter_roster_approve (natter_account_get_roster (bob),
                                        natter_roster_lookup (natter_account_get_roster (bob), ALICE),
                                        NULL));
  NATTER_TEST_UI_WAIT (subscribed_both (alice, BOB) && subscribed_both (bob, ALICE), TIMEOUT);
  NATTER_TEST_UI_WAIT (natter_omemo_get_ready (natter_account_get_omemo (alice)) &&
                       natter_omemo_get_ready (natter_account_get_omemo (bob)), TIMEOUT);

  /* Alice's own devices: this device's fingerprint, in four lines of two
   * groups, and the verification link to copy. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.devices", "(ss)", ALICE, ALICE);
  dialog = NATTER_DEVICES_DIALOG (natter_test_ui_find_window (NATTER_TYPE_DEVICES_DIALOG));
  g_assert_nonnull (dialog);
  own = natter_omemo_dup_own_fingerprint (natter_account_get_omemo (alice));
  g_assert_nonnull (own);
  g_assert_cmpuint (strlen (own), ==, 64 + 7);
  natter_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  {
    g_autofree char *lines = g_strdup (own);
    GtkWidget *label;

    lines[2 * 9 - 1] = lines[4 * 9 - 1] = lines[6 * 9 - 1] = '\n';
    label = natter_test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_LABEL, lines);
    g_assert_nonnull (label);
    g_assert_true (gtk_widget_has_css_class (label, "monospace"));
  }
  {
    GtkWidget *picture = natter_test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_PICTURE, NULL);

    g_assert_true (gtk_widget_get_visible (picture));
    g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (picture)));
  }
  natter_test_ui_save_screens (GTK_WINDOW (dialog), "devices-own", 620);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Bob's device: the dialog fetches its bundle when it opens, and shows
   * it trusted blindly; Alice verifies it there. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.devices", "(ss)", ALICE, BOB);
  NATTER_TEST_UI_WAIT ((device = known_device (alice, BOB)) != NULL, TIMEOUT);
  gtk_window_destroy (GTK_WINDOW (natter_test_ui_find_window (NATTER_TYPE_DEVICES_DIALOG)));
  bob_fingerprint = natter_omemo_dup_own_fingerprint (natter_account_get_omemo (bob));
  g_assert_cmpstr (natter_omemo_device_get_fingerprint (device), ==, bob_fingerprint);
  g_assert_cmpint (natter_omemo_device_get_trust (device), ==, NATTER_OMEMO_TRUST_TRUSTED);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.devices", "(ss)", ALICE, BOB);
  dialog = NATTER_DEVICES_DIALOG (natter_test_ui_find_window (NATTER_TYPE_DEVICES_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (natter_devices_dialog_get_jid (dialog), ==, BOB);
  natter_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  g_assert_nonnull (natter_test_ui_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW,
                                                   bob_fingerprint));
  natter_test_ui_save_screens (GTK_WINDOW (dialog), "devices-contact", 620);
  g_signal_emit_by_name (natter_test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Verify"),
                         "clicked");
  NATTER_TEST_UI_WAIT ((device = known_device (alice, BOB)) != NULL &&
                       natter_omemo_device_get_trust (device) == NATTER_OMEMO_TRUST_VERIFIED, TIMEOUT);
  /* Verified, the row offers Distrust but no longer Verify. */
  natter_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  g_assert_null (natter_test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Verify"));
  g_signal_emit_by_name (natter_test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Distrust"),
                         "clicked");
  NATTER_TEST_UI_WAIT ((device = known_device (alice, BOB)) != NULL &&
                       natter_omemo_device_get_trust (device) == NATTER_OMEMO_TRUST_DISTRUSTED, TIMEOUT);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Bob's verification link, opened by Alice: Natter says what it will
   * verify, for which account, and verifies only when she agrees. */
  {
    g_autofree char *uri = natter_omemo_build_uri (natter_account_get_omemo (bob));
    AdwMessageDialog *confirm;
    g_autofree char *compact = g_strdup (bob_fingerprint);

    g_assert_nonnull (uri);
    g_assert_true (g_str_has_prefix (uri, "xmpp:" BOB "?omemo-sid-"));
    g_action_group_activate_action (G_ACTION_GROUP (app), "open-uri", g_variant_new_string (uri));
    confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
    g_assert_nonnull (confirm);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), bob_fingerprint));
    g_assert_true (adw_message_dialog_has_response (confirm, ALICE));
    /* Bob's own account is not offered to verify Bob's own link. */
    g_assert_false (adw_message_dialog_has_response (confirm, BOB));
    natter_test_ui_wait_for_frame (GTK_WIDGET (confirm));
    g_free (natter_test_ui_save_png (GTK_WIDGET (confirm), "verify-link"));
    g_assert_cmpint (natter_omemo_device_get_trust (known_device (alice, BOB)), ==,
                     NATTER_OMEMO_TRUST_DISTRUSTED);
    adw_message_dialog_response (confirm, ALICE);
    gtk_window_close (GTK_WINDOW (confirm));
    NATTER_TEST_UI_WAIT ((device = known_device (alice, BOB)) != NULL &&
                         natter_omemo_device_get_trust (device) == NATTER_OMEMO_TRUST_VERIFIED,
                         TIMEOUT);
  }

  /* A new conversation with someone who has OMEMO devices starts
   * encrypted: the header's lock is on, and what Alice writes arrives
   * decrypted at Bob's, with a lock on the message. */
  {
    NatterConversationList *conversations =
      natter_application_get_conversations (NATTER_APPLICATION (app));
    NatterChatView *view = natter_window_get_chat_view (window);
    GtkWidget *lock = find_lock (view);
    GtkWidget *composer = natter_test_ui_find_descendant (GTK_WIDGET (view), NATTER_TYPE_COMPOSER, NULL);
    NatterConversation *at_bob = NULL;
    NatterMessageList *messages;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.open-chat", "(ss)", ALICE, BOB);
    g_assert_cmpint (natter_conversation_get_encryption (natter_chat_view_get_conversation (view)), ==,
                     NATTER_MESSAGE_ENCRYPTION_OMEMO);
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (lock)));
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                                natter_test_ui_find_descendant (composer, GTK_TYPE_TEXT_VIEW, NULL))),
                              "under lock and key", -1);
    gtk_widget_activate_action (composer, "composer.send", NULL);
    NATTER_TEST_UI_WAIT ((at_bob = natter_conversation_list_lookup (conversations, bob, ALICE)) != NULL &&
                         g_strcmp0 (natter_conversation_get_preview (at_bob), "under lock and key") == 0,
                         TIMEOUT);
    messages = natter_conversation_get_messages (at_bob, NULL);
    {
      g_autoptr(NatterMessage) received =
        g_list_model_get_item (G_LIST_MODEL (messages),
                               g_list_model_get_n_items (G_LIST_MODEL (messages)) - 1);

      g_assert_cmpint (natter_message_get_encryption (received), ==, NATTER_MESSAGE_ENCRYPTION_OMEMO);
    }
    natter_test_ui_save_screens (GTK_WINDOW (window), "chat-encrypted", 700);

    /* Unlocking sends the next message in plaintext, as chosen. */
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lock), FALSE);
    g_assert_cmpint (natter_conversation_get_encryption (natter_chat_view_get_conversation (view)), ==,
                     NATTER_MESSAGE_ENCRYPTION_NONE);
  }
}

static void
test_devices (Fixture       *fixture,
              gconstpointer  data)
{
  NatterApplication *app = natter_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_cmpint (natter_test_ui_run_application (G_APPLICATION (app), devices, fixture), ==, 0);
  g_assert_finalize_object (app);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add ("/natter/ui/devices/own-and-contact", Fixture, NULL,
              fixture_set_up, test_devices, fixture_tear_down);

  return g_test_run ();
}
