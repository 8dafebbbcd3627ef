/* test-contacts.c: the contact list of several accounts, requests, details, against Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ui/ui.h"

#include "natter-test-server.h"
#include "natter-test-ui-accounts.h"
#include "natter-test-ui.h"

#define TIMEOUT 30
#define ALICE "alice@" NATTER_TEST_DOMAIN
#define BOB "bob@" NATTER_TEST_DOMAIN
#define CAROL "carol@" NATTER_TEST_DOMAIN

/* A name with markup in it, which must show as these very characters. */
#define MARKUP_NAME "<b>Alice</b> &amp; co"

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
  natter_test_server_add_account (fixture->server, "bob", "builder", &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "carol", "singer", &error);
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

static NatterWindow *
main_window (GApplication *app)
{
  return NATTER_WINDOW (natter_application_get_main_window (NATTER_APPLICATION (app)));
}

static NatterContact *
contact_of (NatterAccount *account,
            const char    *jid)
{
  return natter_roster_lookup (natter_account_get_roster (account), jid);
}

static gboolean
subscribed_both (NatterAccount *account,
                 const char    *jid)
{
  NatterContact *contact = contact_of (account, jid);

  return contact != NULL &&
         natter_contact_get_subscription (contact) == NATTER_SUBSCRIPTION_BOTH &&
         !natter_contact_get_pending_in (contact);
}

static NatterContactRow *
find_row (GtkWidget     *window,
          NatterContact *contact)
{
  g_autoptr(GPtrArray) rows = natter_test_ui_find_all (window, NATTER_TYPE_CONTACT_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (natter_contact_row_get_contact (g_ptr_array_index (rows, i)) == contact)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* The contacts are the second page of the sidebar, as a click on the
 * switcher shows them. */
static void
show_contacts (NatterWindow *window)
{
  GtkWidget *stack = natter_test_ui_find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, NULL);

  g_assert_nonnull (stack);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "contacts");
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
}

static NatterContact *
first_contact (GListModel *contacts)
{
  g_autoptr(NatterContact) contact = g_list_model_get_item (contacts, 0);

  return contact;
}

/* ------------------------------------------------------------------------
 * Two accounts, a request, its answer, the details, removal
 * ------------------------------------------------------------------------ */

static void
two_accounts (GApplication *app,
              gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterWindow *window = main_window (app);
  GListModel *contacts = natter_window_get_contacts (window);
  NatterAccount *alice;
  NatterAccount *bob;
  NatterAddContactDialog *add_dialog;
  NatterContactDialog *details;
  NatterContactRow *row;
  NatterContact *request;
  GtkWidget *combo;
  GtkWidget *label;
  GtkWidget *search;
  AdwMessageDialog *confirm;

  alice = natter_test_ui_add_account (accounts, fixture->server, ALICE, "wonderland", TIMEOUT);
  show_contacts (window);
  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 0);
  natter_test_ui_save_screens (GTK_WINDOW (window), "main-window-no-contacts", 700);

  bob = natter_test_ui_add_account (accounts, fixture->server, BOB, "builder", TIMEOUT);

  /* The window folds to one pane when narrow. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  NATTER_TEST_UI_WAIT (natter_window_get_folded (window), TIMEOUT);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  NATTER_TEST_UI_WAIT (!natter_window_get_folded (window), TIMEOUT);

  /* Bob adds Alice through the dialog, under a name with markup in it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-contact", NULL);
  add_dialog = (NatterAddContactDialog *)
    natter_test_ui_find_window (NATTER_TYPE_ADD_CONTACT_DIALOG);
  g_assert_nonnull (add_dialog);
  natter_test_ui_wait_for_frame (GTK_WIDGET (add_dialog));
  combo = natter_test_ui_find_descendant (GTK_WIDGET (add_dialog), ADW_TYPE_COMBO_ROW, "Account");
  g_assert_true (gtk_widget_get_visible (combo));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 1);
  g_assert_true (adw_combo_row_get_selected_item (ADW_COMBO_ROW (combo)) == (gpointer) bob);
  gtk_editable_set_text (GTK_EDITABLE (natter_test_ui_find_descendant (GTK_WIDGET (add_dialog),
                                                                       ADW_TYPE_ENTRY_ROW,
                                                                       "Address")),
                         "alice@bob@" NATTER_TEST_DOMAIN);
  g_assert_nonnull (natter_add_contact_dialog_get_address_error (add_dialog));
  gtk_editable_set_text (GTK_EDITABLE (natter_test_ui_find_descendant (GTK_WIDGET (add_dialog),
                                                                       ADW_TYPE_ENTRY_ROW,
                                                                       "Address")),
                         ALICE);
  g_assert_null (natter_add_contact_dialog_get_address_error (add_dialog));
  gtk_editable_set_text (GTK_EDITABLE (natter_test_ui_find_descendant (GTK_WIDGET (add_dialog),
                                                                       ADW_TYPE_ENTRY_ROW,
                                                                       "Name (optional)")),
                         MARKUP_NAME);
  natter_test_ui_save_screens (GTK_WINDOW (add_dialog), "add-contact", 480);
  gtk_widget_activate_action (GTK_WIDGET (add_dialog), "contact.add", NULL);
  NATTER_TEST_UI_WAIT (natter_test_ui_find_window (NATTER_TYPE_ADD_CONTACT_DIALOG) == NULL,
                       TIMEOUT);

  /* Alice sees the request first in the list, with Accept and Deny. */
  NATTER_TEST_UI_WAIT (contact_of (alice, BOB) != NULL &&
                       natter_contact_get_pending_in (contact_of (alice, BOB)), TIMEOUT);
  NATTER_TEST_UI_WAIT (g_list_model_get_n_items (contacts) == 2, TIMEOUT);
  request = contact_of (alice, BOB);
  g_assert_true (first_contact (contacts) == request);
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  row = find_row (GTK_WIDGET (window), request);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (row),
                                                                        GTK_TYPE_BUTTON,
                                                                        "_Accept")));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (row),
                                                                        GTK_TYPE_BUTTON,
                                                                        "_Deny")));
  natter_test_ui_save_screens (GTK_WINDOW (window), "main-window-request", 700);

  /* Accepting lets Bob see Alice, and asks to see Bob in turn. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.accept-contact", "(ss)", ALICE, BOB);
  NATTER_TEST_UI_WAIT (subscribed_both (alice, BOB) && subscribed_both (bob, ALICE), TIMEOUT);
  NATTER_TEST_UI_WAIT (natter_contact_get_online (contact_of (alice, BOB)) &&
                       natter_contact_get_online (contact_of (bob, ALICE)), TIMEOUT);

  /* Both accounts' contacts, each row saying its account. */
  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 2);
  g_assert_true (natter_contact_model_get_multiple_accounts (NATTER_CONTACT_MODEL (contacts)));
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  row = find_row (GTK_WIDGET (window), contact_of (alice, BOB));
  g_assert_nonnull (row);
  g_assert_true (natter_contact_row_get_show_account (row));
  label = natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL, ALICE);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (row),
                                                                         GTK_TYPE_BUTTON,
                                                                         "_Accept")));
  row = find_row (GTK_WIDGET (window), contact_of (bob, ALICE));
  g_assert_nonnull (row);
  g_assert_nonnull (natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL, BOB));

  /* The name with markup shows as its characters. */
  label = natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL, MARKUP_NAME);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, MARKUP_NAME);

  /* Own presence for all accounts, with a status message that looks like
   * markup: each contact sees it as it is. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "set-presence",
                                  g_variant_new ("(sss)", "", "away", "Out <i>to</i> lunch"));
  g_assert_cmpint (natter_account_get_show (alice), ==, NATTER_PRESENCE_SHOW_AWAY);
  g_assert_cmpint (natter_account_get_show (bob), ==, NATTER_PRESENCE_SHOW_AWAY);
  NATTER_TEST_UI_WAIT (natter_contact_get_show (contact_of (alice, BOB)) ==
                       NATTER_PRESENCE_SHOW_AWAY &&
                       g_strcmp0 (natter_contact_get_status (contact_of (bob, ALICE)),
                                  "Out <i>to</i> lunch") == 0, TIMEOUT);
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  g_assert_nonnull (natter_test_ui_find_descendant (GTK_WIDGET (window), GTK_TYPE_LABEL,
                                                   "Out <i>to</i> lunch"));

  /* One account only: Alice does not disturb, Bob stays away. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "set-presence",
                                  g_variant_new ("(sss)", ALICE, "dnd", ""));
  g_assert_cmpint (natter_account_get_show (alice), ==, NATTER_PRESENCE_SHOW_DND);
  g_assert_null (natter_account_get_status (alice));
  g_assert_cmpint (natter_account_get_show (bob), ==, NATTER_PRESENCE_SHOW_AWAY);
  NATTER_TEST_UI_WAIT (natter_contact_get_show (contact_of (bob, ALICE)) ==
                       NATTER_PRESENCE_SHOW_DND, TIMEOUT);
  natter_test_ui_save_screens (GTK_WINDOW (window), "main-window-contacts", 700);

  /* The status popover. */
  {
    GtkWidget *button = natter_test_ui_find_descendant (GTK_WIDGET (window),
                                                        NATTER_TYPE_PRESENCE_BUTTON, NULL);
    GtkWidget *menu = natter_test_ui_find_descendant (button, GTK_TYPE_MENU_BUTTON, NULL);
    GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu));
    AdwStyleManager *style = adw_style_manager_get_default ();

    g_assert_cmpint (natter_presence_button_get_show (NATTER_PRESENCE_BUTTON (button)), ==,
                     NATTER_PRESENCE_SHOW_AWAY);
    g_assert_nonnull (gtk_widget_get_tooltip_text (menu));

    gtk_menu_button_popup (GTK_MENU_BUTTON (menu));
    natter_test_ui_wait_for_frame (GTK_WIDGET (popover));
    g_free (natter_test_ui_save_png (GTK_WIDGET (popover), "presence-popover-light"));
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    natter_test_ui_spin (200);
    natter_test_ui_wait_for_frame (GTK_WIDGET (popover));
    g_free (natter_test_ui_save_png (GTK_WIDGET (popover), "presence-popover-dark"));
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

    /* Choosing in the popover goes through app.set-presence. */
    gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (
      GTK_LIST_BOX (natter_test_ui_find_descendant (GTK_WIDGET (popover), GTK_TYPE_LIST_BOX, NULL)),
      0)));
    g_assert_cmpint (natter_account_get_show (alice), ==, NATTER_PRESENCE_SHOW_AVAILABLE);
    g_assert_cmpint (natter_account_get_show (bob), ==, NATTER_PRESENCE_SHOW_AVAILABLE);
    g_assert_cmpint (natter_presence_button_get_show (NATTER_PRESENCE_BUTTON (button)), ==,
                     NATTER_PRESENCE_SHOW_AVAILABLE);
  }

  /* Ctrl+K searches. */
  search = natter_test_ui_find_descendant (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, "Search");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  NATTER_TEST_UI_WAIT (gtk_window_get_focus (GTK_WINDOW (window)) != NULL &&
                       gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (window)), search),
                       TIMEOUT);
  gtk_editable_set_text (GTK_EDITABLE (search), "alice");
  NATTER_TEST_UI_WAIT (g_list_model_get_n_items (contacts) == 1, TIMEOUT);
  g_assert_true (first_contact (contacts) == contact_of (bob, ALICE));
  gtk_editable_set_text (GTK_EDITABLE (search), "nobody here");
  NATTER_TEST_UI_WAIT (g_list_model_get_n_items (contacts) == 0, TIMEOUT);
  natter_test_ui_save_screens (GTK_WINDOW (window), "main-window-no-results", 700);
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  NATTER_TEST_UI_WAIT (g_list_model_get_n_items (contacts) == 2, TIMEOUT);

  /* The details: address, account, devices; renaming. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.contact-details", "(ss)", BOB, ALICE);
  details = NATTER_CONTACT_DIALOG (natter_test_ui_find_window (NATTER_TYPE_CONTACT_DIALOG));
  g_assert_nonnull (details);
  g_assert_true (natter_contact_dialog_get_contact (details) == contact_of (bob, ALICE));
  natter_test_ui_wait_for_frame (GTK_WIDGET (details));
  g_assert_nonnull (natter_test_ui_find_descendant (GTK_WIDGET (details), GTK_TYPE_LABEL, ALICE));
  label = natter_test_ui_find_descendant (GTK_WIDGET (details), GTK_TYPE_LABEL, MARKUP_NAME);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  /* Alice's one device, with its resource as the row's title. */
  {
    GListModel *resources = natter_contact_get_resources (contact_of (bob, ALICE));
    NatterResource *resource = g_list_model_get_item (resources, 0);

    g_assert_nonnull (resource);
    g_assert_nonnull (natter_test_ui_find_descendant (GTK_WIDGET (details), ADW_TYPE_ACTION_ROW,
                                                     natter_resource_get_resource (resource)));
    g_object_unref (resource);
  }
  natter_test_ui_save_screens (GTK_WINDOW (details), "contact-details", 800);

  {
    GtkWidget *name_row = natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                          ADW_TYPE_ENTRY_ROW, "Name");

    gtk_editable_set_text (GTK_EDITABLE (name_row), "Alice");
    g_signal_emit_by_name (name_row, "apply");
    NATTER_TEST_UI_WAIT (g_strcmp0 (natter_contact_get_name (contact_of (bob, ALICE)),
                                    "Alice") == 0, TIMEOUT);
  }

  /* Blocking asks first, explaining; then the server's list says Alice
   * is blocked, and the details and her row say so. */
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                       GTK_TYPE_BUTTON,
                                                                       "_Block Contact…")));
  g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                        GTK_TYPE_BUTTON,
                                                                        "_Unblock")));
  gtk_widget_activate_action (GTK_WIDGET (details), "contact.block", NULL);
  confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (confirm)) == GTK_WINDOW (details));
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, "Block Alice?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), "devices"));
  /* What the response button does: answer, then close. */
  adw_message_dialog_response (confirm, "block");
  gtk_window_close (GTK_WINDOW (confirm));
  NATTER_TEST_UI_WAIT (natter_contact_get_blocked (contact_of (bob, ALICE)), TIMEOUT);
  g_assert_true (natter_roster_is_blocked (natter_account_get_roster (bob), ALICE));
  g_assert_false (natter_roster_is_blocked (natter_account_get_roster (alice), BOB));
  natter_test_ui_wait_for_frame (GTK_WIDGET (details));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                       GTK_TYPE_BUTTON,
                                                                       "_Unblock")));
  g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                        GTK_TYPE_BUTTON,
                                                                        "_Block Contact…")));
  natter_test_ui_save_screens (GTK_WINDOW (details), "contact-details-blocked", 800);
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  row = find_row (GTK_WIDGET (window), contact_of (bob, ALICE));
  g_assert_nonnull (row);
  label = natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL, "Blocked");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_visible (label));
  natter_test_ui_save_screens (GTK_WINDOW (window), "main-window-blocked-contact", 700);

  /* Unblocking needs no question; the row shows her presence again. */
  gtk_widget_activate_action (GTK_WIDGET (details), "contact.unblock", NULL);
  NATTER_TEST_UI_WAIT (!natter_contact_get_blocked (contact_of (bob, ALICE)), TIMEOUT);
  g_assert_null (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  row = find_row (GTK_WIDGET (window), contact_of (bob, ALICE));
  g_assert_nonnull (row);
  g_assert_null (natter_test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL, "Blocked"));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                       GTK_TYPE_BUTTON,
                                                                       "_Block Contact…")));

  /* Removing asks first, then ends both subscriptions. */
  gtk_widget_activate_action (GTK_WIDGET (details), "contact.remove", NULL);
  confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (confirm)) == GTK_WINDOW (details));
  adw_message_dialog_response (confirm, "remove");
  NATTER_TEST_UI_WAIT (contact_of (bob, ALICE) == NULL, TIMEOUT);
  /* The dialog of a contact that is gone closes. */
  NATTER_TEST_UI_WAIT (natter_test_ui_find_window (NATTER_TYPE_CONTACT_DIALOG) == NULL, TIMEOUT);
  NATTER_TEST_UI_WAIT (contact_of (alice, BOB) == NULL ||
                       natter_contact_get_subscription (contact_of (alice, BOB)) !=
                       NATTER_SUBSCRIPTION_BOTH,
                       TIMEOUT);
}

static void
test_two_accounts (Fixture       *fixture,
                   gconstpointer  data)
{
  run (fixture, two_accounts);
}

/* ------------------------------------------------------------------------
 * Denying a request
 * ------------------------------------------------------------------------ */

static void
add_contact_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (natter_roster_add_contact_finish (NATTER_ROSTER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
request (NatterAccount *from,
         const char    *to)
{
  gboolean done = FALSE;

  natter_roster_add_contact_async (natter_account_get_roster (from), to, NULL, NULL, NULL,
                                   add_contact_cb, &done);
  NATTER_TEST_UI_WAIT (done, TIMEOUT);
}

static NatterContactDialog *
open_details (NatterWindow *window,
              const char   *account,
              const char   *contact)
{
  NatterContactDialog *details;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.contact-details", "(ss)", account, contact);
  details = NATTER_CONTACT_DIALOG (natter_test_ui_find_window (NATTER_TYPE_CONTACT_DIALOG));
  g_assert_nonnull (details);
  natter_test_ui_wait_for_frame (GTK_WIDGET (details));
  return details;
}

static void
answer_requests (GApplication *app,
                 gpointer      user_data)
{
  Fixture *fixture = user_data;
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  NatterWindow *window = main_window (app);
  GListModel *contacts = natter_window_get_contacts (window);
  NatterAccount *alice;
  NatterAccount *bob;
  NatterAccount *carol;
  NatterContactDialog *details;
  AdwMessageDialog *confirm;

  alice = natter_test_ui_add_account (accounts, fixture->server, ALICE, "wonderland", TIMEOUT);
  bob = natter_test_ui_add_account (accounts, fixture->server, BOB, "builder", TIMEOUT);
  carol = natter_test_ui_add_account (accounts, fixture->server, CAROL, "singer", TIMEOUT);

  /* Carol asks; Alice denies in the details of someone not in her roster. */
  request (carol, ALICE);
  NATTER_TEST_UI_WAIT (contact_of (alice, CAROL) != NULL &&
                       natter_contact_get_pending_in (contact_of (alice, CAROL)), TIMEOUT);
  details = open_details (window, ALICE, CAROL);
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                       GTK_TYPE_BUTTON,
                                                                       "_Deny")));
  natter_test_ui_save_screens (GTK_WINDOW (details), "contact-details-request", 800);
  gtk_widget_activate_action (GTK_WIDGET (details), "contact.deny", NULL);
  NATTER_TEST_UI_WAIT (contact_of (alice, CAROL) == NULL, TIMEOUT);
  /* Gone from the roster, so its dialog closes. */
  NATTER_TEST_UI_WAIT (natter_test_ui_find_window (NATTER_TYPE_CONTACT_DIALOG) == NULL, TIMEOUT);
  NATTER_TEST_UI_WAIT (contact_of (carol, ALICE) != NULL &&
                       !natter_contact_get_pending_out (contact_of (carol, ALICE)) &&
                       natter_contact_get_subscription (contact_of (carol, ALICE)) ==
                       NATTER_SUBSCRIPTION_NONE,
                       TIMEOUT);

  /* Carol asks again; Alice denies from the list. */
  request (carol, ALICE);
  NATTER_TEST_UI_WAIT (contact_of (alice, CAROL) != NULL &&
                       natter_contact_get_pending_in (contact_of (alice, CAROL)), TIMEOUT);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.deny-contact", "(ss)", ALICE, CAROL);
  NATTER_TEST_UI_WAIT (contact_of (alice, CAROL) == NULL, TIMEOUT);

  /* Bob asks; Alice accepts in the details. */
  request (bob, ALICE);
  NATTER_TEST_UI_WAIT (contact_of (alice, BOB) != NULL &&
                       natter_contact_get_pending_in (contact_of (alice, BOB)), TIMEOUT);
  details = open_details (window, ALICE, BOB);
  gtk_widget_activate_action (GTK_WIDGET (details), "contact.accept", NULL);
  NATTER_TEST_UI_WAIT (subscribed_both (alice, BOB) && subscribed_both (bob, ALICE), TIMEOUT);
  g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (GTK_WIDGET (details),
                                                                        GTK_TYPE_BUTTON,
                                                                        "_Deny")));
  gtk_window_close (GTK_WINDOW (details));

  /* Alice removes Bob from the list, after confirming. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-contact", "(ss)", ALICE, BOB);
  confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (confirm)) == GTK_WINDOW (window));
  natter_test_ui_wait_for_frame (GTK_WIDGET (confirm));
  g_free (natter_test_ui_save_png (GTK_WIDGET (confirm), "remove-contact-confirm"));
  adw_message_dialog_response (confirm, "remove");
  NATTER_TEST_UI_WAIT (contact_of (alice, BOB) == NULL, TIMEOUT);
  NATTER_TEST_UI_WAIT (natter_contact_get_subscription (contact_of (bob, ALICE)) ==
                       NATTER_SUBSCRIPTION_NONE, TIMEOUT);

  /* Left: Carol's Alice and Bob's Alice. */
  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 2);

  /* Alice blocks Carol, who is in none of her lists, through the
   * window's action, as a chat with a stranger would. */
  g_assert_null (contact_of (alice, CAROL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.block-contact", "(ss)", ALICE, CAROL);
  confirm = ADW_MESSAGE_DIALOG (natter_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (confirm)) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, "Block " CAROL "?");
  adw_message_dialog_response (confirm, "block");
  gtk_window_close (GTK_WINDOW (confirm));
  NATTER_TEST_UI_WAIT (natter_roster_is_blocked (natter_account_get_roster (alice), CAROL),
                       TIMEOUT);
  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.unblock-contact", "(ss)", ALICE, CAROL);
  NATTER_TEST_UI_WAIT (!natter_roster_is_blocked (natter_account_get_roster (alice), CAROL),
                       TIMEOUT);
}

static void
test_answer_requests (Fixture       *fixture,
                   gconstpointer  data)
{
  run (fixture, answer_requests);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add ("/natter/ui/contacts/two-accounts", Fixture, NULL,
              fixture_set_up, test_two_accounts, fixture_tear_down);
  g_test_add ("/natter/ui/contacts/answer-requests", Fixture, NULL,
              fixture_set_up, test_answer_requests, fixture_tear_down);

  return g_test_run ();
}
