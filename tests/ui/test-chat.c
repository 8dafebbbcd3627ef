/* test-chat.c: conversations in the window: send, receive, correct, notify, against Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Alice and Bob are two accounts of one Natter, as someone with a work and
 * a private account would have them: what Alice writes in her chat view
 * arrives through Prosody in Bob's conversation, and the other way round.
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

/* Markup, an entity, a link with a trailing full stop, right-to-left text
 * and an emoji sequence: all must show as these very characters. */
#define TRICKY_BODY "Hi <b>Bob</b> &amp; see https://example.org/a?b=1&c=2. " \
                    "\327\251\327\234\327\225\327\235 \360\237\221\251\342\200\215\360\237\222\273"

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

static NatterComposer *
composer_of (NatterWindow *window)
{
  return NATTER_COMPOSER (natter_test_ui_find_descendant (GTK_WIDGET (natter_window_get_chat_view (window)),
                                                          NATTER_TYPE_COMPOSER, NULL));
}

/* Types @text into the composer of the open conversation and sends it
 * the way Enter does. */
static void
type_and_send (NatterWindow *window,
               const char   *text)
{
  NatterComposer *composer = composer_of (window);
  GtkTextView *view = GTK_TEXT_VIEW (natter_test_ui_find_descendant (GTK_WIDGET (composer),
                                                                     GTK_TYPE_TEXT_VIEW, NULL));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
}

static NatterMessage *
last_message (NatterConversation *conversation)
{
  NatterMessageList *messages = natter_conversation_get_messages (conversation, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (messages));
  g_autoptr(NatterMessage) message = n > 0 ? g_list_model_get_item (G_LIST_MODEL (messages), n - 1)
                                           : NULL;

  return message;
}

static gboolean
last_body_is (NatterConversation *conversation,
              const char         *body)
{
  NatterMessage *message = conversation != NULL ? last_message (conversation) : NULL;

  return message != NULL && g_strcmp0 (natter_message_get_body (message), body) == 0;
}

/* The row of the chat view that shows @message, if it is on screen. */
static NatterMessageRow *
find_message_row (NatterWindow  *window,
                  NatterMessage *message)
{
  g_autoptr(GPtrArray) rows = natter_test_ui_find_all (GTK_WIDGET (natter_window_get_chat_view (window)),
                                                       NATTER_TYPE_MESSAGE_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (natter_message_row_get_message (g_ptr_array_index (rows, i)) == message)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* Whether the chat view's menu has an item for @action. */
static gboolean
menu_has (NatterChatView *view,
          const char     *action)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (natter_test_ui_find_descendant (GTK_WIDGET (view),
                                                                          GTK_TYPE_MENU_BUTTON, NULL));
  GMenuModel *menu = gtk_menu_button_get_menu_model (button);

  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
    }
  return FALSE;
}

static void
chat (GApplication *app,
      gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterConversationList *conversations =
    natter_application_get_conversations (NATTER_APPLICATION (app));
  NatterNotifier *notifier = natter_application_get_notifier (NATTER_APPLICATION (app));
  NatterWindow *window = NATTER_WINDOW (natter_application_get_main_window (NATTER_APPLICATION (app)));
  NatterChatView *view = natter_window_get_chat_view (window);
  NatterAccount *alice;
  NatterAccount *bob;
  NatterConversation *alice_bob;
  NatterConversation *bob_alice = NULL;
  NatterMessage *message;
  NatterMessageRow *row;
  GtkWidget *label;
  const char *title = NULL;
  const char *body = NULL;

  alice = natter_test_ui_add_account (accounts, fixture->server, ALICE, "wonderland", TIMEOUT);
  bob = natter_test_ui_add_account (accounts, fixture->server, BOB, "builder", TIMEOUT);
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpuint (g_list_model_get_n_items (natter_window_get_conversations (window)), ==, 0);
  natter_test_ui_save_screens (GTK_WINDOW (window), "main-window-no-conversations", 700);

  /* Alice starts a conversation with Bob by address; the composer has the
   * keyboard. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-chat", "(ss)",
                                             ALICE, BOB));
  alice_bob = natter_chat_view_get_conversation (view);
  g_assert_nonnull (alice_bob);
  g_assert_true (natter_conversation_get_account (alice_bob) == alice);
  g_assert_cmpstr (natter_conversation_get_peer (alice_bob), ==, BOB);
  g_assert_cmpuint (g_list_model_get_n_items (natter_window_get_conversations (window)), ==, 1);

  /* What she sends is stored, acked, and arrives in Bob's conversation,
   * unread, with a notification naming Alice and Bob's account. */
  type_and_send (window, TRICKY_BODY);
  {
    g_autofree char *left = natter_composer_dup_text (composer_of (window));

    g_assert_cmpstr (left, ==, "");
  }
  NATTER_TEST_UI_WAIT (last_body_is (alice_bob, TRICKY_BODY), TIMEOUT);
  message = last_message (alice_bob);
  g_assert_cmpint (natter_message_get_direction (message), ==, NATTER_MESSAGE_DIRECTION_OUT);
  NATTER_TEST_UI_WAIT (natter_message_get_state (message) >= NATTER_MESSAGE_STATE_SENT &&
                       natter_message_get_state (message) != NATTER_MESSAGE_STATE_FAILED, TIMEOUT);
  NATTER_TEST_UI_WAIT ((bob_alice = natter_conversation_list_lookup (conversations, bob, ALICE)) != NULL &&
                       last_body_is (bob_alice, TRICKY_BODY), TIMEOUT);
  NATTER_TEST_UI_WAIT (natter_conversation_get_unread (bob_alice) == 1, TIMEOUT);
  g_assert_cmpuint (g_list_model_get_n_items (natter_window_get_conversations (window)), ==, 2);
  g_assert_true (natter_notifier_lookup (notifier, bob_alice, &title, &body));
  /* (Alice is not in Bob's roster: her name is her address's localpart.) */
  g_assert_true (g_str_has_prefix (title, "alice "));
  g_assert_nonnull (strstr (title, BOB));
  g_assert_cmpstr (body, ==, TRICKY_BODY);
  g_assert_false (natter_notifier_lookup (notifier, alice_bob, NULL, NULL));
  /* ... and the desktop shows it, once, with the text as it is. */
  NATTER_TEST_UI_WAIT (natter_test_notifications_count (fixture->desktop) == 1, TIMEOUT);
  {
    g_autofree char *shown = NULL;

    g_assert_true (natter_test_notifications_lookup (fixture->desktop, "alice", &shown));
    g_assert_cmpstr (shown, ==, TRICKY_BODY);
  }
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Natter (1)");

  /* Alice's own row shows the text as it is, with the link clickable and
   * the full stop left out of it. */
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  row = find_message_row (window, message);
  g_assert_nonnull (row);
  label = natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL, TRICKY_BODY);
  g_assert_nonnull (label);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)),
                            "<a href=\"https://example.org/a?b=1&amp;c=2\">"));
  natter_test_ui_save_screens (GTK_WINDOW (window), "chat", 700);

  /* A draft stays with its conversation. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                              natter_test_ui_find_descendant (GTK_WIDGET (composer_of (window)),
                                                              GTK_TYPE_TEXT_VIEW, NULL))),
                            "half a thought", -1);

  /* Bob opens the conversation from the notification: it is read, the
   * notification goes, and the title says nothing is unread. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-conversation",
                                  g_variant_new ("(ss)", BOB, ALICE));
  g_assert_true (natter_chat_view_get_conversation (view) == bob_alice);
  g_assert_cmpstr (natter_conversation_get_draft (alice_bob), ==, "half a thought");
  gtk_window_present (GTK_WINDOW (window));
  NATTER_TEST_UI_WAIT (natter_conversation_get_unread (bob_alice) == 0, TIMEOUT);
  g_assert_false (natter_notifier_lookup (notifier, bob_alice, NULL, NULL));
  NATTER_TEST_UI_WAIT (natter_test_notifications_count (fixture->desktop) == 0, TIMEOUT);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Natter");

  /* Bob answers, then corrects his answer with Up. */
  type_and_send (window, "Hello Alcie");
  NATTER_TEST_UI_WAIT (last_body_is (alice_bob, "Hello Alcie"), TIMEOUT);
  g_signal_emit_by_name (composer_of (window), "edit-last");
  g_assert_true (natter_composer_get_editing (composer_of (window)));
  {
    g_autofree char *text = natter_composer_dup_text (composer_of (window));

    g_assert_cmpstr (text, ==, "Hello Alcie");
  }
  type_and_send (window, "Hello Alice");
  g_assert_false (natter_composer_get_editing (composer_of (window)));
  NATTER_TEST_UI_WAIT (last_body_is (alice_bob, "Hello Alice") &&
                       natter_message_get_edited (last_message (alice_bob)), TIMEOUT);
  NATTER_TEST_UI_WAIT (last_body_is (bob_alice, "Hello Alice"), TIMEOUT);
  /* Both sidebars show the corrected text. */
  g_assert_cmpstr (natter_conversation_get_preview (alice_bob), ==, "Hello Alice");
  g_assert_cmpstr (natter_conversation_get_preview (bob_alice), ==, "Hello Alice");

  /* Back in Alice's conversation: her draft, Bob's corrected answer. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-conversation", NULL);
  if (natter_chat_view_get_conversation (view) != alice_bob)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.next-conversation", NULL);
  g_assert_true (natter_chat_view_get_conversation (view) == alice_bob);
  {
    g_autofree char *text = natter_composer_dup_text (composer_of (window));

    g_assert_cmpstr (text, ==, "half a thought");
  }
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  row = find_message_row (window, last_message (alice_bob));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (row),
                                                                       GTK_TYPE_LABEL,
                                                                       "Hello Alice (edited)")));
  natter_test_ui_save_screens (GTK_WINDOW (window), "conversation", 700);

  /* Narrow, the window shows the conversation alone, and goes back to
   * the list. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  NATTER_TEST_UI_WAIT (natter_window_get_folded (window), TIMEOUT);
  natter_test_ui_spin (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  NATTER_TEST_UI_WAIT (!gtk_widget_get_child_visible (gtk_widget_get_parent (GTK_WIDGET (view))) ||
                       !gtk_widget_get_mapped (GTK_WIDGET (view)), TIMEOUT);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  NATTER_TEST_UI_WAIT (!natter_window_get_folded (window), TIMEOUT);

  /* Bob is no contact of Alice: her menu offers to add him, or to block
   * him, which the menu then offers to undo. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-chat", "(ss)", ALICE, BOB);
  g_assert_true (menu_has (view, "win.add-contact-address"));
  g_assert_true (menu_has (view, "win.block-contact"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.block-contact", "(ss)", ALICE, BOB);
  {
    AdwMessageDialog *confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));

    g_assert_nonnull (confirm);
    adw_message_dialog_response (confirm, "block");
    gtk_window_close (GTK_WINDOW (confirm));
  }
  NATTER_TEST_UI_WAIT (menu_has (view, "win.unblock-contact"), TIMEOUT);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.unblock-contact", "(ss)", ALICE, BOB);
  NATTER_TEST_UI_WAIT (menu_has (view, "win.block-contact"), TIMEOUT);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-contact-address", "(ss)", ALICE, BOB);
  {
    GtkWindow *dialog = natter_test_ui_find_window (NATTER_TYPE_ADD_CONTACT_DIALOG);

    g_assert_nonnull (dialog);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (natter_test_ui_find_descendant (GTK_WIDGET (dialog),
                                                                                          ADW_TYPE_ENTRY_ROW,
                                                                                          "Address"))),
                     ==, BOB);
    gtk_window_close (dialog);
  }

  /* xmpp: links (RFC 5122, XEP-0147).  With two accounts Natter asks
   * which one writes; the proposed message waits in the composer. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-uri",
                                  g_variant_new_string ("xmpp:alice@" NATTER_TEST_DOMAIN
                                                        "/phone?message;body=Hello%20%3Cthere%3E"));
  {
    AdwMessageDialog *ask = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
    g_autofree char *text = NULL;

    g_assert_nonnull (ask);
    g_assert_true (adw_message_dialog_has_response (ask, ALICE));
    g_assert_true (adw_message_dialog_has_response (ask, BOB));
    /* A click answers and closes; the test does both. */
    adw_message_dialog_response (ask, BOB);
    gtk_window_close (GTK_WINDOW (ask));
    NATTER_TEST_UI_WAIT (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL, TIMEOUT);
    g_assert_true (natter_chat_view_get_conversation (view) == bob_alice);
    text = natter_composer_dup_text (composer_of (window));
    g_assert_cmpstr (text, ==, "Hello <there>");
    /* Nothing was sent. */
    g_assert_true (last_body_is (bob_alice, "Hello Alice"));
  }

  /* ?roster offers to add the contact, filled in, and adds nothing yet. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-uri",
                                  g_variant_new_string ("xmpp:carol@" NATTER_TEST_DOMAIN
                                                        "?roster;name=Carol"));
  {
    GtkWindow *dialog = natter_test_ui_find_window (NATTER_TYPE_ADD_CONTACT_DIALOG);
    GtkWidget *address;

    g_assert_nonnull (dialog);
    address = natter_test_ui_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Address");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (address)), ==, "carol@" NATTER_TEST_DOMAIN);
    g_assert_null (natter_roster_lookup (natter_account_get_roster (alice), "carol@" NATTER_TEST_DOMAIN));
    gtk_window_close (dialog);
  }

  /* A message to someone who does not exist bounces: the row says why
   * and offers to send it again, which the user can do. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-chat", "(ss)", ALICE,
                              "nobody@" NATTER_TEST_DOMAIN);
  {
    NatterConversation *nobody = natter_chat_view_get_conversation (view);
    NatterMessage *bounced;
    GtkWidget *retry;

    type_and_send (window, "anyone there?");
    NATTER_TEST_UI_WAIT (last_body_is (nobody, "anyone there?") &&
                         natter_message_get_state (last_message (nobody)) ==
                         NATTER_MESSAGE_STATE_FAILED, TIMEOUT);
    bounced = last_message (nobody);
    g_assert_nonnull (natter_message_get_error (bounced));
    natter_test_ui_wait_for_frame (GTK_WIDGET (window));
    row = find_message_row (window, bounced);
    g_assert_nonnull (row);
    g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL,
                                                                         natter_message_get_error (bounced))));
    retry = natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_BUTTON, "_Retry");
    g_assert_true (gtk_widget_is_visible (retry));
    natter_test_ui_save_screens (GTK_WINDOW (window), "chat-failed", 700);
    g_assert_true (gtk_widget_activate_action (retry, "chat.retry", "x", natter_message_get_id (bounced)));
    NATTER_TEST_UI_WAIT (natter_message_get_state (bounced) != NATTER_MESSAGE_STATE_FAILED, TIMEOUT);
    NATTER_TEST_UI_WAIT (natter_message_get_state (bounced) == NATTER_MESSAGE_STATE_FAILED, TIMEOUT);
    /* Once, not twice: retrying resends the same message. */
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (natter_conversation_get_messages (nobody, NULL))),
                      ==, 1);
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-chat", "(ss)", BOB, ALICE);

  /* A broken link changes nothing. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-uri",
                                  g_variant_new_string ("xmpp:@@?message;body=x"));
  g_assert_true (natter_chat_view_get_conversation (view) == bob_alice);
  g_assert_null (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
}

/* ------------------------------------------------------------------------
 * A long history: paging in as the user scrolls up, staying put
 * ------------------------------------------------------------------------ */

#define HISTORY 160

static void
sent_one_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  guint *sent = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterMessage) message = natter_conversation_send_finish (NATTER_CONVERSATION (object),
                                                                    result, &error);

  g_assert_no_error (error);
  (*sent)++;
}

static void
history (GApplication *app,
         gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterConversationList *conversations =
    natter_application_get_conversations (NATTER_APPLICATION (app));
  NatterWindow *window = NATTER_WINDOW (natter_application_get_main_window (NATTER_APPLICATION (app)));
  NatterChatView *view = natter_window_get_chat_view (window);
  NatterAccount *alice;
  NatterAccount *bob;
  NatterConversation *bob_alice;
  NatterConversation *alice_bob = NULL;
  NatterMessageList *messages;
  GtkAdjustment *adjustment;
  GtkWidget *jump;
  guint sent = 0;

  alice = natter_test_ui_add_account (accounts, fixture->server, ALICE, "wonderland", TIMEOUT);
  bob = natter_test_ui_add_account (accounts, fixture->server, BOB, "builder", TIMEOUT);

  /* Bob writes a long history to Alice. */
  bob_alice = natter_conversation_list_open (conversations, bob, ALICE, NULL);
  for (guint i = 0; i < HISTORY; i++)
    {
      g_autofree char *body = g_strdup_printf ("line %u of the history", i);

      natter_conversation_send_async (bob_alice, body, NULL, sent_one_cb, &sent);
    }
  NATTER_TEST_UI_WAIT (sent == HISTORY, TIMEOUT);
  /* (Without opening Alice's message list, which would grow with every
   * live message.) */
  NATTER_TEST_UI_WAIT ((alice_bob = natter_conversation_list_lookup (conversations, alice, BOB)) != NULL &&
                       natter_conversation_get_unread (alice_bob) == HISTORY, TIMEOUT);
  g_assert_cmpstr (natter_conversation_get_preview (alice_bob), ==, "line 159 of the history");

  /* Alice opens it at the newest message, which counts as read. */
  natter_window_open_conversation (window, alice_bob);
  gtk_window_present (GTK_WINDOW (window));
  messages = natter_conversation_get_messages (alice_bob, NULL);
  NATTER_TEST_UI_WAIT (natter_conversation_get_unread (alice_bob) == 0, TIMEOUT);
  g_assert_true (natter_chat_view_get_at_latest (view));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), <, HISTORY);

  /* Scrolling to the top pages older messages in until the first. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (natter_test_ui_find_descendant (GTK_WIDGET (view),
                                                                                             GTK_TYPE_LIST_VIEW,
                                                                                             NULL)));
  for (guint i = 0; i < 20 && g_list_model_get_n_items (G_LIST_MODEL (messages)) < HISTORY; i++)
    {
      gtk_adjustment_set_value (adjustment, 0);
      natter_test_ui_spin (100);
      natter_test_ui_wait_for_frame (GTK_WIDGET (window));
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, HISTORY);
  g_assert_true (last_body_is (alice_bob, "line " G_STRINGIFY (159) " of the history"));
  {
    g_autoptr(NatterMessage) oldest = g_list_model_get_item (G_LIST_MODEL (messages), 0);

    g_assert_cmpstr (natter_message_get_body (oldest), ==, "line 0 of the history");
  }

  /* Up in the history, a new message is not read behind the user's back:
   * it counts as unread and the jump button offers the way down. */
  g_assert_false (natter_chat_view_get_at_latest (view));
  jump = natter_test_ui_find_descendant (GTK_WIDGET (view), GTK_TYPE_REVEALER, NULL);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (jump)));
  natter_conversation_send_async (bob_alice, "are you there?", NULL, sent_one_cb, &sent);
  NATTER_TEST_UI_WAIT (last_body_is (alice_bob, "are you there?"), TIMEOUT);
  natter_test_ui_spin (300);
  g_assert_cmpuint (natter_conversation_get_unread (alice_bob), ==, 1);
  natter_test_ui_save_screens (GTK_WINDOW (window), "history-scrolled", 700);

  /* Jumping down reads it. */
  gtk_widget_activate_action (GTK_WIDGET (view), "chat.jump-to-latest", NULL);
  NATTER_TEST_UI_WAIT (natter_conversation_get_unread (alice_bob) == 0, TIMEOUT);
  g_assert_true (natter_chat_view_get_at_latest (view));

  /* The search field finds messages too, in both accounts' copies, and
   * one of them opens its conversation. */
  {
    GtkWidget *search = natter_test_ui_find_descendant (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY,
                                                        "Search");
    GtkWidget *results = natter_test_ui_find_descendant (GTK_WIDGET (window),
                                                         NATTER_TYPE_SEARCH_RESULTS, NULL);
    GListModel *hits = natter_search_results_get_hits (NATTER_SEARCH_RESULTS (results));
    GtkWidget *list;
    GtkListBoxRow *row = NULL;

    gtk_editable_set_text (GTK_EDITABLE (search), "line 42");
    NATTER_TEST_UI_WAIT (g_list_model_get_n_items (hits) == 2, TIMEOUT);
    g_assert_true (gtk_widget_is_visible (results));
    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(NatterSearchHit) hit = g_list_model_get_item (hits, i);

        g_assert_cmpstr (natter_message_get_body (natter_search_hit_get_message (hit)), ==,
                         "line 42 of the history");
        if (natter_search_hit_get_conversation (hit) == bob_alice)
          row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (natter_test_ui_find_descendant (results,
                                                                                           GTK_TYPE_LIST_BOX,
                                                                                           NULL)),
                                               i);
      }
    g_assert_nonnull (row);
    /* No conversation is called that: the messages are all there is. */
    g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (window),
                                                                          GTK_TYPE_LABEL,
                                                                          "No Results")));
    natter_test_ui_save_screens (GTK_WINDOW (window), "search", 700);
    list = gtk_widget_get_parent (GTK_WIDGET (row));
    g_signal_emit_by_name (list, "row-activated", row);
    NATTER_TEST_UI_WAIT (natter_window_is_showing (window, bob_alice), TIMEOUT);

    gtk_editable_set_text (GTK_EDITABLE (search), "");
    NATTER_TEST_UI_WAIT (!gtk_widget_is_visible (results), TIMEOUT);
  }
}

/* Each test runs in a process of its own: GLib 2.74's freedesktop
 * notification backend outlives its GApplication while notifications are
 * pending, and a second application in the same process then crashes in
 * it (ASan: unbounded recursion in its dispose).  Natter itself runs one
 * application per process. */
static void
run_isolated (NatterTestUiAppFunc func)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };
      NatterApplication *app;

      fixture_set_up (&fixture, NULL);
      app = natter_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_cmpint (natter_test_ui_run_application (G_APPLICATION (app), func, &fixture), ==, 0);
      g_assert_finalize_object (app);
      fixture_tear_down (&fixture, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_history (void)
{
  run_isolated (history);
}

static void
test_chat (void)
{
  run_isolated (chat);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/natter/ui/chat/two-accounts", test_chat);
  g_test_add_func ("/natter/ui/chat/history", test_history);

  return g_test_run ();
}
