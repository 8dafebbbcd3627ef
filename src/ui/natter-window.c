/* natter-window.c: the main window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A leaflet with the sidebar (the conversations of every account, newest
 * first, and on a second page their contacts) and the open conversation
 * beside it; it folds to one pane on a narrow window.  One search field
 * filters both pages.  With no account yet the window welcomes the user
 * instead.
 */
#include "config.h"

#include "natter-window.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "natter-add-contact-dialog.h"
#include "natter-chat-view.h"
#include "natter-contact-dialog.h"
#include "natter-contact-model.h"
#include "natter-contact-row.h"
#include "natter-conversation-row.h"
#include "natter-presence-button.h"
#include "natter-presence-display.h"
#include "natter-search-results.h"
#include "natter-toast.h"
#include "natter-window-private.h"


G_DEFINE_FINAL_TYPE (NatterWindow, natter_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/**
 * natter_window_add_toast:
 * @self: the main window
 * @message: plain text, e.g. an error message, shown as it is
 *
 * Shows @message in a toast.  Toast titles are markup, so the text is
 * escaped: messages quote addresses and names that come from elsewhere.
 */
void
natter_window_add_toast (NatterWindow *self,
                         const char   *message)
{
  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, natter_toast_new_for_text (message));
}

/* Requests sort first in the contact list: the leading rows that ask. */
static guint
count_requests (NatterWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  guint requests = 0;

  for (; requests < n; requests++)
    {
      g_autoptr(NatterContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts),
                                                                requests);

      if (!natter_contact_get_pending_in (contact))
        break;
    }
  return requests;
}

static void
update_pages (NatterWindow *self)
{
  guint n_visible;
  guint requests;
  gboolean matches;
  gboolean only_messages;

  if (self->accounts == NULL)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "broken");
      return;
    }

  gtk_stack_set_visible_child_name (self->main_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 0
                                    ? "main" : "welcome");

  n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  if (n_visible > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "contacts");
  else if (natter_contact_model_get_n_contacts (self->contacts) > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->sidebar_stack, "no-contacts");

  requests = count_requests (self);
  adw_view_stack_page_set_badge_number (self->contacts_page, requests);
  adw_view_stack_page_set_needs_attention (self->contacts_page, requests > 0);

  if (self->conversations == NULL)
    return;
  matches = g_list_model_get_n_items (G_LIST_MODEL (self->visible_conversations)) > 0;
  /* Messages found where no conversation matches: they are the results. */
  only_messages = !matches && self->search_results != NULL &&
                  gtk_widget_get_visible (self->search_results);
  gtk_widget_set_visible (GTK_WIDGET (self->chats_stack), !only_messages);
  gtk_widget_set_vexpand (GTK_WIDGET (self->search_scroller), only_messages);
  if (matches)
    gtk_stack_set_visible_child_name (self->chats_stack, "conversations");
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->conversations)) > 0)
    gtk_stack_set_visible_child_name (self->chats_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->chats_stack, "no-conversations");
}

static void
model_changed_cb (NatterWindow *self)
{
  update_pages (self);
}

/* ------------------------------------------------------------------------
 * The contact list
 * ------------------------------------------------------------------------ */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              NatterWindow             *self)
{
  GtkWidget *row = natter_contact_row_new ();

  g_object_bind_property (self->contacts, "multiple-accounts", row, "show-account",
                          G_BINDING_SYNC_CREATE);
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             NatterWindow             *self)
{
  natter_contact_row_set_contact (NATTER_CONTACT_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               NatterWindow             *self)
{
  natter_contact_row_set_contact (NATTER_CONTACT_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
on_contact_list_activate_cb (NatterWindow *self,
                             guint         position)
{
  g_autoptr(NatterContact) contact = NULL;

  contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), position);
  if (contact != NULL && natter_contact_get_account (contact) != NULL)
    natter_window_open_chat (self, natter_contact_get_account (contact),
                             natter_contact_get_jid (contact));
}

/* ------------------------------------------------------------------------
 * The conversation list
 * ------------------------------------------------------------------------ */

static gboolean
conversation_matches (gpointer item,
                      gpointer user_data)
{
  NatterWindow *self = user_data;
  NatterConversation *conversation = item;
  g_autofree char *title = NULL;

  if (self->search == NULL)
    return TRUE;
  title = g_utf8_casefold (natter_conversation_get_title (conversation), -1);
  return strstr (title, self->search) != NULL ||
         strstr (natter_conversation_get_peer (conversation), self->search) != NULL;
}

static void
setup_conversation_row_cb (GtkSignalListItemFactory *factory,
                           GtkListItem              *item,
                           NatterWindow             *self)
{
  gtk_list_item_set_child (item, natter_conversation_row_new ());
}

static void
bind_conversation_row_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *item,
                          NatterWindow             *self)
{
  NatterConversationRow *row = NATTER_CONVERSATION_ROW (gtk_list_item_get_child (item));

  natter_conversation_row_set_show_account (row,
                                            natter_contact_model_get_multiple_accounts (self->contacts));
  natter_conversation_row_set_conversation (row, gtk_list_item_get_item (item));
}

static void
unbind_conversation_row_cb (GtkSignalListItemFactory *factory,
                            GtkListItem              *item,
                            NatterWindow             *self)
{
  natter_conversation_row_set_conversation (NATTER_CONVERSATION_ROW (gtk_list_item_get_child (item)),
                                            NULL);
}

/* The open conversation stays selected while the list reorders.  If it is
 * further down than the rows built so far, it is selected when its row is
 * built (grow_rows_cb()). */
static void
select_shown (NatterWindow *self)
{
  NatterConversation *shown = natter_chat_view_get_conversation (self->chat_view);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversation_rows));

  for (guint i = 0; shown != NULL && i < n; i++)
    {
      g_autoptr(NatterConversation) conversation =
        g_list_model_get_item (G_LIST_MODEL (self->conversation_rows), i);

      if (conversation == shown)
        {
          gtk_single_selection_set_selected (self->conversation_selection, i);
          return;
        }
    }
  gtk_single_selection_set_selected (self->conversation_selection, GTK_INVALID_LIST_POSITION);
}

static void
update_title (NatterWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));
  guint unread = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterConversation) conversation =
        g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

      unread += natter_conversation_get_unread (conversation);
    }
  if (unread == 0)
    gtk_window_set_title (GTK_WINDOW (self), "Natter");
  else
    {
      /* TRANSLATORS: the window title; %u is the number of unread messages */
      g_autofree char *title = g_strdup_printf (_("Natter (%u)"), unread);

      gtk_window_set_title (GTK_WINDOW (self), title);
    }
}

static void
conversations_changed_cb (NatterWindow *self,
                          guint         position,
                          guint         removed,
                          guint         added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(NatterConversation) conversation =
        g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

      if (g_signal_handler_find (conversation, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0,
                                 NULL, update_title, self) == 0)
        g_signal_connect_object (conversation, "notify::unread", G_CALLBACK (update_title), self,
                                 G_CONNECT_SWAPPED);
    }
  update_title (self);
  select_shown (self);
  update_pages (self);
}

static void
on_conversation_list_activate_cb (NatterWindow *self,
                                  guint         position)
{
  g_autoptr(NatterConversation) conversation = NULL;

  conversation = g_list_model_get_item (G_LIST_MODEL (self->visible_conversations), position);
  if (conversation != NULL)
    natter_window_open_conversation (self, conversation);
}

static void
on_search_entry_search_changed_cb (NatterWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  natter_contact_model_set_search (self->contacts, text);
  g_clear_pointer (&self->search, g_free);
  if (stripped[0] != '\0')
    self->search = g_utf8_casefold (stripped, -1);
  if (self->conversation_filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->conversation_filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (self->search_results != NULL)
    natter_search_results_set_text (NATTER_SEARCH_RESULTS (self->search_results), text);
  select_shown (self);
  update_pages (self);
}

static void
on_search_entry_stop_search_cb (NatterWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
open_with_body (NatterWindow  *self,
                NatterAccount *account,
                const char    *address,
                const char    *body)
{
  if (natter_window_open_chat (self, account, address) != NULL && body != NULL)
    natter_chat_view_set_composer_text (self->chat_view, body);
}

static void
start_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   NatterWindow     *self)
{
  const char *address = g_object_get_data (G_OBJECT (dialog), "natter-address");
  NatterAccount *account = natter_account_list_lookup (self->accounts, response);

  if (account != NULL && address != NULL)
    open_with_body (self, account, address, g_object_get_data (G_OBJECT (dialog), "natter-body"));
}

/* A conversation with an address typed into the search field or named
 * by a link, with @body proposed in the composer: with several accounts
 * the user says which one writes. */
static void
start_with_address (NatterWindow *self,
                    const char   *address,
                    const char   *body)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (!natter_address_check (address, NATTER_ADDRESS_CONTACT, &error))
    {
      natter_window_add_toast (self, error->message);
      return;
    }
  if (n == 0)
    return;
  if (n == 1)
    {
      g_autoptr(NatterAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), 0);

      open_with_body (self, account, address, body);
      return;
    }

  /* TRANSLATORS: %s is an address, e.g. alice@example.org */
  heading = g_strdup_printf (_("Write to %s From Which Account?"), address);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      g_autofree char *title = natter_account_dup_title (account);

      adw_message_dialog_add_response (dialog, natter_account_get_jid (account), title);
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "natter-address", g_strdup (address), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "natter-body", g_strdup (body), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (start_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Enter in the search field opens the first match, or a conversation
 * with the address typed when nothing matches. */
static void
on_search_entry_activate_cb (NatterWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  if (text[0] == '\0')
    return;
  if (g_strcmp0 (page, "chats") == 0)
    {
      g_autoptr(NatterConversation) conversation =
        g_list_model_get_item (G_LIST_MODEL (self->visible_conversations), 0);

      if (conversation != NULL)
        {
          natter_window_open_conversation (self, conversation);
          return;
        }
    }
  else
    {
      g_autoptr(NatterContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), 0);

      if (contact != NULL)
        {
          natter_window_open_chat (self, natter_contact_get_account (contact),
                                   natter_contact_get_jid (contact));
          return;
        }
    }
  start_with_address (self, text, NULL);
}

/* ------------------------------------------------------------------------
 * Rows on demand
 * ------------------------------------------------------------------------ */

/* A list view of GTK 4.8 builds a row for up to 200 items at once, however
 * few of them fit on screen, and a sidebar row costs 80 to 110 kB of
 * resident memory (its widgets, their accessible objects and styles, the
 * text laid out and drawn).  So the sidebar lists show a growing part of
 * their model: the first ROWS_STEP items, then ROWS_STEP more whenever
 * less than a screenful of rows is left below the ones in view, before
 * scrolling gets there.  With 200 conversations this keeps 15 to 20 MB,
 * and the time to build 175 rows, out of the start-up
 * (tests/bench/startup). */
#define ROWS_STEP 25

/* Whether @rows, shown by @list, was extended. */
static gboolean
grow_rows (GtkListView       *list,
           GtkSliceListModel *rows)
{
  GtkAdjustment *adjustment;
  guint size;
  double page;
  double below;

  if (rows == NULL)
    return FALSE;
  size = gtk_slice_list_model_get_size (rows);
  if (size >= g_list_model_get_n_items (gtk_slice_list_model_get_model (rows)))
    return FALSE;
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  page = gtk_adjustment_get_page_size (adjustment);
  below = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment) - page;
  /* Not laid out yet: the first ROWS_STEP rows are there. */
  if (page <= 0.0 || below >= page)
    return FALSE;
  gtk_slice_list_model_set_size (rows, size + ROWS_STEP);
  return TRUE;
}

static gboolean
grow_rows_cb (gpointer data)
{
  NatterWindow *self = data;

  self->grow_rows_id = 0;
  if (grow_rows (self->conversation_list, self->conversation_rows))
    select_shown (self);
  grow_rows (self->contact_list, self->contact_rows);
  return G_SOURCE_REMOVE;
}

/* Scrolled, resized, or rows came or went: are there enough?  Checked
 * from an idle, after the allocation that changed the adjustment. */
static void
queue_grow_rows (NatterWindow *self)
{
  if (self->grow_rows_id == 0 && (self->conversation_rows != NULL || self->contact_rows != NULL))
    self->grow_rows_id = g_idle_add (grow_rows_cb, self);
}

/* Returns: (transfer full): the part of @model that @list shows. */
static GtkSliceListModel *
rows_on_demand (NatterWindow *self,
                GtkListView  *list,
                GListModel   *model)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (queue_grow_rows), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (queue_grow_rows), self,
                           G_CONNECT_SWAPPED);
  return gtk_slice_list_model_new (g_object_ref (model), 0, ROWS_STEP);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

/* NATTER_REPORT_FIRST_FRAME=1 makes the window say on standard output when
 * its first frame is painted, so tests/bench/startup can time start-up
 * from outside the process. */
static void
after_paint_cb (GdkFrameClock *clock,
                NatterWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, self);
  fputs ("natter: first frame\n", stdout);
  fflush (stdout);
}

static void
natter_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (natter_window_parent_class)->realize (widget);
  if (g_strcmp0 (g_getenv ("NATTER_REPORT_FIRST_FRAME"), "1") == 0)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (after_paint_cb), widget, 0);
}

/* The size is saved when the window closes rather than on every resize, so
 * a drag does not write to dconf many times a second. */
static gboolean
natter_window_close_request (GtkWindow *window)
{
  NatterWindow *self = NATTER_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (natter_window_parent_class)->close_request (window);
}

/* The contact list gets its model the first time its page shows: a list
 * view builds up to 200 rows at once, which a start-up with thousands of
 * contacts should not pay for a page it does not show
 * (tests/bench/startup). */
static void
sidebar_page_changed_cb (NatterWindow *self)
{
  GtkNoSelection *selection;

  if (gtk_list_view_get_model (self->contact_list) != NULL || self->contacts == NULL ||
      g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "contacts") != 0)
    return;
  self->contact_rows = rows_on_demand (self, self->contact_list, G_LIST_MODEL (self->contacts));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->contact_rows)));
  gtk_list_view_set_model (self->contact_list, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}

/* Binds the window to the application's accounts.  GtkWindow:application
 * is not a construct property, so this runs once the window has it. */
static void
bind_accounts (NatterWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GtkListItemFactory *factory;

  if (NATTER_IS_APPLICATION (app))
    self->accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  if (self->accounts == NULL)
    {
      const GError *error = NATTER_IS_APPLICATION (app)
                            ? natter_application_get_error (NATTER_APPLICATION (app)) : NULL;
      g_autofree char *escaped = g_markup_escape_text (error != NULL ? error->message : "", -1);

      adw_status_page_set_description (self->broken_page, escaped);
      update_pages (self);
      return;
    }
  g_object_ref (self->accounts);

  self->contacts = natter_contact_model_new (self->accounts);
  natter_presence_button_set_accounts (self->presence_button, self->accounts);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->contact_list, factory);
  g_object_unref (factory);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (sidebar_page_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->contacts, "items-changed", G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->contacts, "notify::n-contacts", G_CALLBACK (model_changed_cb),
                           self, G_CONNECT_SWAPPED);

  self->conversations = g_object_ref (natter_application_get_conversations (NATTER_APPLICATION (app)));
  self->search_results = natter_search_results_new (self->conversations);
  gtk_scrolled_window_set_child (self->search_scroller, self->search_results);
  g_object_bind_property (self->search_results, "visible", self->search_scroller, "visible",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->search_results, "notify::visible", G_CALLBACK (update_pages),
                           self, G_CONNECT_SWAPPED);
  self->conversation_filter = gtk_custom_filter_new (conversation_matches, self, NULL);
  self->visible_conversations =
    gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->conversations)),
                               GTK_FILTER (g_object_ref (self->conversation_filter)));
  self->conversation_rows = rows_on_demand (self, self->conversation_list,
                                            G_LIST_MODEL (self->visible_conversations));
  self->conversation_selection =
    gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->conversation_rows)));
  gtk_single_selection_set_autoselect (self->conversation_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->conversation_selection, TRUE);
  gtk_single_selection_set_selected (self->conversation_selection, GTK_INVALID_LIST_POSITION);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_conversation_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_conversation_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_conversation_row_cb), self);
  gtk_list_view_set_factory (self->conversation_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->conversation_list,
                           GTK_SELECTION_MODEL (self->conversation_selection));
  g_signal_connect_object (self->conversations, "items-changed",
                           G_CALLBACK (conversations_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->visible_conversations, "items-changed",
                           G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
  conversations_changed_cb (self, 0, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->conversations)));
}

static void
natter_window_dispose (GObject *object)
{
  NatterWindow *self = NATTER_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->contact_list != NULL)
    gtk_list_view_set_model (self->contact_list, NULL);
  if (self->conversation_list != NULL)
    gtk_list_view_set_model (self->conversation_list, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_WINDOW);
  g_clear_handle_id (&self->grow_rows_id, g_source_remove);
  g_clear_object (&self->conversation_selection);
  g_clear_object (&self->conversation_rows);
  g_clear_object (&self->contact_rows);
  g_clear_object (&self->visible_conversations);
  g_clear_object (&self->conversation_filter);
  g_clear_object (&self->conversations);
  g_clear_pointer (&self->search, g_free);
  g_clear_object (&self->contacts);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (natter_window_parent_class)->dispose (object);
}

static void
natter_window_class_init (NatterWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = natter_window_dispose;
  window_class->close_request = natter_window_close_request;
  widget_class->realize = natter_window_realize;

  g_type_ensure (NATTER_TYPE_PRESENCE_BUTTON);
  g_type_ensure (NATTER_TYPE_CHAT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/natter-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, broken_page);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, presence_button);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, contact_list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_conversation_list_activate_cb);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, chats_page);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, contacts_page);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, chats_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, search_scroller);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, chat_view);

  natter_window_class_actions_init (widget_class);
}

static void
natter_window_init (NatterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/**
 * natter_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
NatterWindow *
natter_window_new (NatterApplication *application)
{
  NatterWindow *self;

  g_return_val_if_fail (NATTER_IS_APPLICATION (application), NULL);

  self = g_object_new (NATTER_TYPE_WINDOW,
                       "application", application,
                       NULL);
  bind_accounts (self);
  return self;
}

/**
 * natter_window_show_contact:
 * @self: the main window
 * @contact: a contact
 *
 * Opens the details of @contact.
 */
void
natter_window_show_contact (NatterWindow  *self,
                            NatterContact *contact)
{
  GtkWidget *dialog;

  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (NATTER_IS_CONTACT (contact));

  dialog = natter_contact_dialog_new (self, contact);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * natter_window_get_contacts:
 * @self: the main window
 *
 * Returns: (transfer none) (nullable): the contacts the sidebar shows
 */
GListModel *
natter_window_get_contacts (NatterWindow *self)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->contacts);
}

/**
 * natter_window_get_folded:
 * @self: the main window
 *
 * Returns: whether the window shows one pane at a time
 */
gboolean
natter_window_get_folded (NatterWindow *self)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), FALSE);

  return adw_leaflet_get_folded (self->leaflet);
}

/**
 * natter_window_open_conversation:
 * @self: the main window
 * @conversation: a conversation
 *
 * Shows @conversation, with the keyboard in its composer.
 */
void
natter_window_open_conversation (NatterWindow       *self,
                                 NatterConversation *conversation)
{
  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (NATTER_IS_CONVERSATION (conversation));

  natter_chat_view_set_conversation (self->chat_view, conversation);
  gtk_stack_set_visible_child_name (self->content_stack, "chat");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  select_shown (self);
  natter_chat_view_focus_composer (self->chat_view);
}

/**
 * natter_window_open_chat:
 * @self: the main window
 * @account: an account
 * @peer: a bare JID
 *
 * Shows the conversation of @account with @peer, starting it if there is
 * none yet.
 *
 * Returns: (transfer none) (nullable): the conversation, or %NULL if it
 *   could not be started (the window said why)
 */
NatterConversation *
natter_window_open_chat (NatterWindow  *self,
                         NatterAccount *account,
                         const char    *peer)
{
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;

  g_return_val_if_fail (NATTER_IS_WINDOW (self), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  if (self->conversations == NULL)
    return NULL;
  conversation = natter_conversation_list_open (self->conversations, account, peer, &error);
  if (conversation == NULL)
    {
      natter_window_add_toast (self, error->message);
      return NULL;
    }
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "chats") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  adw_view_stack_set_visible_child_name (self->view_stack, "chats");
  natter_window_open_conversation (self, conversation);
  return conversation;
}

/**
 * natter_window_get_chat_view:
 * @self: the main window
 *
 * Returns: (transfer none): the view of the open conversation
 */
NatterChatView *
natter_window_get_chat_view (NatterWindow *self)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), NULL);

  return self->chat_view;
}

/**
 * natter_window_get_conversations:
 * @self: the main window
 *
 * Returns: (transfer none) (nullable): the conversations the sidebar
 *   shows, after the search
 */
GListModel *
natter_window_get_conversations (NatterWindow *self)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->visible_conversations);
}

/**
 * natter_window_is_showing:
 * @self: the main window
 * @conversation: a conversation
 *
 * Returns: whether the user sees the newest messages of @conversation
 *   right now, so a notification about it would only disturb
 */
gboolean
natter_window_is_showing (NatterWindow       *self,
                          NatterConversation *conversation)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), FALSE);

  return gtk_window_is_active (GTK_WINDOW (self)) &&
         gtk_widget_get_mapped (GTK_WIDGET (self->chat_view)) &&
         natter_chat_view_get_conversation (self->chat_view) == conversation &&
         natter_chat_view_get_at_latest (self->chat_view);
}

/**
 * natter_window_show_sidebar_page:
 * @self: the main window
 * @name: "chats" or "contacts"
 *
 * Shows a page of the sidebar, unfolding to it on a narrow window.
 */
void
natter_window_show_sidebar_page (NatterWindow *self,
                                 const char   *name)
{
  g_return_if_fail (NATTER_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

static void
verify_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    NatterWindow     *self)
{
  NatterAccount *account = natter_account_list_lookup (self->accounts, response);
  const char *uri = g_object_get_data (G_OBJECT (dialog), "natter-uri");
  g_autoptr(GError) error = NULL;

  if (account == NULL || uri == NULL)
    return;
  if (!natter_omemo_apply_uri (natter_account_get_omemo (account), uri, FALSE, NULL, &error))
    natter_window_add_toast (self, error->message);
  else
    natter_window_add_toast (self, _("Devices verified"));
}

/* A verification link: says which devices it verifies for whom before
 * anything changes.  Each account that knows the peer can verify; the
 * dialog offers one button per account. */
static void
confirm_verify (NatterWindow *self,
                NatterLink   *link)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      g_autoptr(GPtrArray) changes = NULL;
      g_autofree char *title = NULL;

      /* An account does not verify its own link: that is for others. */
      if (g_strcmp0 (natter_account_get_jid (account), natter_link_get_peer (link)) == 0)
        continue;
      g_clear_error (&error);
      if (!natter_omemo_apply_uri (natter_account_get_omemo (account), natter_link_get_uri (link),
                                   TRUE, &changes, &error))
        continue;
      if (body->len == 0)
        for (guint j = 0; changes != NULL && j < changes->len; j++)
          {
            NatterOmemoUriChange *change = g_ptr_array_index (changes, j);

            /* TRANSLATORS: one device a verification link verifies: its
             * number, then its fingerprint */
            g_string_append_printf (body, _("Device %u: %s\n"), change->device_id, change->fingerprint);
          }
      if (dialog == NULL)
        {
          /* TRANSLATORS: %s is a contact's address */
          heading = g_strdup_printf (_("Verify the Devices of %s?"), natter_link_get_peer (link));
          dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
          adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
          adw_message_dialog_set_close_response (dialog, "cancel");
        }
      title = natter_account_dup_title (account);
      if (n > 1)
        {
          /* TRANSLATORS: a button; %s is the account that verifies */
          g_autofree char *label = g_strdup_printf (_("Verify for %s"), title);

          adw_message_dialog_add_response (dialog, natter_account_get_jid (account), label);
        }
      else
        adw_message_dialog_add_response (dialog, natter_account_get_jid (account), _("_Verify"));
      adw_message_dialog_set_response_appearance (dialog, natter_account_get_jid (account),
                                                  ADW_RESPONSE_SUGGESTED);
    }
  if (dialog == NULL)
    {
      /* TRANSLATORS: %s says what is wrong with a verification link */
      g_autofree char *message = g_strdup_printf (_("This link cannot be used to verify: %s"),
                                                  error != NULL ? error->message
                                                                : _("it names your own account"));

      natter_window_add_toast (self, message);
      return;
    }
  g_string_prepend (body, _("Only verify if you got this link from them in person or over a channel "
                            "you trust. Messages to these devices will then be encrypted without "
                            "asking, and new devices will wait for you.\n\n"));
  adw_message_dialog_set_body (dialog, body->str);
  g_object_set_data_full (G_OBJECT (dialog), "natter-uri", g_strdup (natter_link_get_uri (link)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (verify_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * natter_window_open_link:
 * @self: the main window
 * @uri: an `xmpp:` URI (RFC 5122)
 *
 * Does what @uri asks: opens the conversation it names, with the message
 * it proposes in the composer (`?message;body=…`), or offers to add the
 * contact (`?roster`).  Nothing is sent or added without the user.  A
 * link that is not valid is reported, not followed.
 */
void
natter_window_open_link (NatterWindow *self,
                         const char   *uri)
{
  g_autoptr(NatterLink) link = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (uri != NULL);

  if (self->accounts == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) == 0)
    return;
  link = natter_link_parse (uri, &error);
  if (link == NULL)
    {
      /* TRANSLATORS: %s says what is wrong with an xmpp: link */
      g_autofree char *message = g_strdup_printf (_("This link cannot be opened: %s"),
                                                  error->message);

      natter_window_add_toast (self, message);
      return;
    }

  if (natter_link_get_action (link) == NATTER_LINK_VERIFY)
    {
      confirm_verify (self, link);
      return;
    }
  if (natter_link_get_action (link) == NATTER_LINK_ADD_CONTACT)
    {
      GtkWidget *dialog = natter_add_contact_dialog_new (GTK_WINDOW (self), self->accounts);

      natter_add_contact_dialog_set_address (NATTER_ADD_CONTACT_DIALOG (dialog),
                                             natter_link_get_peer (link),
                                             natter_link_get_name (link));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  start_with_address (self, natter_link_get_peer (link), natter_link_get_body (link));
}
