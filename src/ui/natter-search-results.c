/* natter-search-results.c: messages that match the sidebar's search
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Below the conversations the search field filters, the messages whose
 * text matches it, from the whole stored history of every account: where
 * they were said, what, and when.  Activating one opens its conversation
 * (app.open-conversation).  The search runs on the store's thread a
 * moment after the typing stops; a newer one cancels the older.  Message
 * text goes into plain labels, never markup.
 */
#include "config.h"

#include "natter-search-results.h"

#include <glib/gi18n.h>

#include "natter-time-format.h"

/* Searching on every key press would search for "h", "he", "hel"… */
#define SEARCH_DELAY_MS 200
#define MAX_HITS 50

struct _NatterSearchResults
{
  AdwBin                  parent_instance;

  NatterConversationList *conversations;
  GCancellable           *cancellable;
  GListStore             *hits;
  char                   *text;
  guint                   delay_id;

  GtkWidget              *list;
};

G_DEFINE_FINAL_TYPE (NatterSearchResults, natter_search_results, ADW_TYPE_BIN)

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  NatterSearchHit *hit = item;
  NatterConversation *conversation = natter_search_hit_get_conversation (hit);
  NatterMessage *message = natter_search_hit_get_message (hit);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *time = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  const char *body = natter_message_get_body (message);

  /* Titles and bodies are other people's text; the row's are markup. */
  title = g_markup_escape_text (natter_conversation_get_title (conversation), -1);
  if (natter_message_get_direction (message) == NATTER_MESSAGE_DIRECTION_OUT)
    {
      /* TRANSLATORS: a message of one's own in the search results */
      g_autofree char *mine = g_strdup_printf (_("You: %s"), body != NULL ? body : "");

      text = g_markup_escape_text (mine, -1);
    }
  else
    text = g_markup_escape_text (body != NULL ? body : "", -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  when = natter_time_format_relative (natter_message_get_timestamp (message), g_get_real_time ());
  if (when != NULL)
    {
      time = gtk_label_new (when);
      gtk_widget_add_css_class (time, "caption");
      gtk_widget_add_css_class (time, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), time);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
row_activated_cb (GtkListBox          *list,
                  GtkListBoxRow       *row,
                  NatterSearchResults *self)
{
  g_autoptr(NatterSearchHit) hit = NULL;
  NatterConversation *conversation;
  NatterAccount *account;

  hit = g_list_model_get_item (G_LIST_MODEL (self->hits), gtk_list_box_row_get_index (row));
  if (hit == NULL)
    return;
  conversation = natter_search_hit_get_conversation (hit);
  account = natter_conversation_get_account (conversation);
  if (account != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.open-conversation", "(ss)",
                                natter_account_get_jid (account),
                                natter_conversation_get_peer (conversation));
}

static void
searched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NatterSearchResults) self = user_data;
  g_autoptr(GListModel) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  hits = natter_conversation_list_search_finish (NATTER_CONVERSATION_LIST (object), result, &error);
  if (hits == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Search failed: %s", error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (hits); i++)
    g_ptr_array_add (items, g_list_model_get_item (hits, i));
  g_list_store_splice (self->hits, 0, g_list_model_get_n_items (G_LIST_MODEL (self->hits)),
                       items->pdata, items->len);
  gtk_widget_set_visible (GTK_WIDGET (self), items->len > 0);
}

static gboolean
search_cb (gpointer user_data)
{
  NatterSearchResults *self = user_data;

  self->delay_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  natter_conversation_list_search_async (self->conversations, self->text, MAX_HITS,
                                         self->cancellable, searched_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/**
 * natter_search_results_set_text:
 * @self: the results
 * @text: (nullable): what the search field says
 *
 * Searches for @text a moment later; with no text, shows nothing.
 */
void
natter_search_results_set_text (NatterSearchResults *self,
                                const char          *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  g_return_if_fail (NATTER_IS_SEARCH_RESULTS (self));

  if (g_strcmp0 (stripped, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_steal_pointer (&stripped);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->text[0] == '\0')
    {
      g_list_store_remove_all (self->hits);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  self->delay_id = g_timeout_add (SEARCH_DELAY_MS, search_cb, self);
}

/**
 * natter_search_results_get_hits:
 * @self: the results
 *
 * Returns: (transfer none): the #NatterSearchHit shown
 */
GListModel *
natter_search_results_get_hits (NatterSearchResults *self)
{
  g_return_val_if_fail (NATTER_IS_SEARCH_RESULTS (self), NULL);
  return G_LIST_MODEL (self->hits);
}

static void
natter_search_results_dispose (GObject *object)
{
  NatterSearchResults *self = NATTER_SEARCH_RESULTS (object);

  g_clear_handle_id (&self->delay_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->conversations);
  g_clear_object (&self->hits);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (natter_search_results_parent_class)->dispose (object);
}

static void
natter_search_results_class_init (NatterSearchResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_search_results_dispose;
}

static void
natter_search_results_init (NatterSearchResults *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (_("Messages"));

  self->hits = g_list_store_new (NATTER_TYPE_SEARCH_HIT);
  self->text = g_strdup ("");

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_start (heading, 12);
  gtk_widget_set_margin_top (heading, 12);
  gtk_box_append (GTK_BOX (box), heading);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Messages found"), -1);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), G_LIST_MODEL (self->hits),
                           create_row_cb, NULL, NULL);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_box_append (GTK_BOX (box), self->list);

  adw_bin_set_child (ADW_BIN (self), box);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/**
 * natter_search_results_new:
 * @conversations: the conversations to search
 *
 * Returns: (transfer floating): the results, hidden until a search finds
 *   something
 */
GtkWidget *
natter_search_results_new (NatterConversationList *conversations)
{
  NatterSearchResults *self;

  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (conversations), NULL);

  self = g_object_new (NATTER_TYPE_SEARCH_RESULTS, NULL);
  self->conversations = g_object_ref (conversations);
  return GTK_WIDGET (self);
}
