/* natter-chat-view.c: one conversation: its header, history and composer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history is a GtkListView over the conversation's NatterMessageList,
 * which holds only the pages that were looked at: scrolling near the top
 * asks the list for older messages (from the store, then the archive).
 * The view sticks to the newest message while the user is there, and a
 * button brings them back when they scrolled away.  Messages count as
 * read when the newest one is on screen in the focused window.
 */
#include "config.h"

#include "natter-chat-view.h"

#include <glib/gi18n.h>

#include "natter-composer.h"
#include "natter-message-row.h"
#include "natter-presence-display.h"
#include "natter-window.h"

/* Closer than this to an edge counts as being there, in pixels. */
#define EDGE 48

struct _NatterChatView
{
  AdwBin              parent_instance;

  NatterConversation *conversation;
  NatterMessageList  *messages;
  GtkNoSelection     *selection;
  GPtrArray          *bound;        /* GtkListItem, the rows with a message */
  GSignalGroup       *conversation_signals;
  GSignalGroup       *contact_signals;
  GCancellable       *cancellable;
  GSettings          *settings;
  gboolean            sticky;       /* keep the newest message in view */
  gboolean            folded;
  guint               older_idle_id;

  AdwWindowTitle     *window_title;
  GtkMenuButton      *menu_button;
  GtkToggleButton    *encryption_button;
  gboolean            updating;
  GSignalGroup       *roster_signals;
  GtkScrolledWindow  *scroller;
  GtkListView        *message_list;
  GtkRevealer        *jump_revealer;
  NatterComposer     *composer;
};

G_DEFINE_FINAL_TYPE (NatterChatView, natter_chat_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONVERSATION,
  PROP_FOLDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (NatterChatView *self,
            const GError   *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (NATTER_IS_WINDOW (root))
    natter_window_add_toast (NATTER_WINDOW (root), error->message);
  else
    g_warning ("%s", error->message);
}

static NatterContact *
lookup_contact (NatterConversation *conversation)
{
  NatterAccount *account = natter_conversation_get_account (conversation);

  if (account == NULL)
    return NULL;
  return natter_roster_lookup (natter_account_get_roster (account),
                               natter_conversation_get_peer (conversation));
}

/* ------------------------------------------------------------------------
 * The header
 * ------------------------------------------------------------------------ */

static void
add_item (GMenu      *menu,
          const char *label,
          const char *action,
          GVariant   *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  g_menu_append_item (menu, item);
}

/* The menu names the peer, who may be a contact or a stranger who
 * wrote, and may be blocked. */
static void
update_menu (NatterChatView *self,
             NatterContact  *contact)
{
  NatterAccount *account = natter_conversation_get_account (self->conversation);
  const char *peer = natter_conversation_get_peer (self->conversation);
  g_autoptr(GMenu) menu = g_menu_new ();
  gboolean blocked;

  if (account == NULL)
    {
      gtk_menu_button_set_menu_model (self->menu_button, NULL);
      return;
    }
  blocked = natter_roster_is_blocked (natter_account_get_roster (account), peer);
  if (contact != NULL && natter_contact_get_in_roster (contact))
    add_item (menu, _("Contact _Details"), "win.contact-details",
              g_variant_new ("(ss)", natter_account_get_jid (account), peer));
  else
    add_item (menu, _("_Add to Contacts…"), "win.add-contact-address",
              g_variant_new ("(ss)", natter_account_get_jid (account), peer));
  add_item (menu, _("_Encryption Devices"), "win.devices",
            g_variant_new ("(ss)", natter_account_get_jid (account), peer));
  add_item (menu, blocked ? _("_Unblock") : _("_Block…"),
            blocked ? "win.unblock-contact" : "win.block-contact",
            g_variant_new ("(ss)", natter_account_get_jid (account), peer));
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

/* The lock in the header: on, messages go with OMEMO or not at all. */
static void
update_encryption (NatterChatView *self)
{
  gboolean on;

  if (self->conversation == NULL)
    return;
  on = natter_conversation_get_encryption (self->conversation) == NATTER_MESSAGE_ENCRYPTION_OMEMO;
  self->updating = TRUE;
  gtk_toggle_button_set_active (self->encryption_button, on);
  self->updating = FALSE;
  gtk_button_set_icon_name (GTK_BUTTON (self->encryption_button),
                            on ? "channel-secure-symbolic" : "channel-insecure-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->encryption_button),
                               on ? _("Encrypted with OMEMO: messages go to verified and trusted "
                                      "devices only, never in plaintext")
                                  : _("Not Encrypted: the server can read these messages"));
}

static void
on_encryption_toggled_cb (NatterChatView *self)
{
  if (self->updating || self->conversation == NULL)
    return;
  natter_conversation_set_encryption (self->conversation,
                                      gtk_toggle_button_get_active (self->encryption_button)
                                      ? NATTER_MESSAGE_ENCRYPTION_OMEMO
                                      : NATTER_MESSAGE_ENCRYPTION_NONE);
}

static void
update_header (NatterChatView *self)
{
  NatterConversation *conversation = self->conversation;
  g_autoptr(NatterContact) contact = NULL;
  const char *subtitle = NULL;

  if (conversation == NULL)
    return;
  adw_window_title_set_title (self->window_title, natter_conversation_get_title (conversation));

  contact = g_signal_group_dup_target (self->contact_signals);
  if (contact == NULL && (contact = lookup_contact (conversation)) != NULL)
    {
      g_object_ref (contact);
      g_signal_group_set_target (self->contact_signals, contact);
    }

  switch (natter_conversation_get_chat_state (conversation))
    {
    case NATTER_CHAT_STATE_COMPOSING:
      subtitle = _("Typing…");
      break;

    case NATTER_CHAT_STATE_PAUSED:
      subtitle = _("Stopped typing");
      break;

    default:
      if (contact != NULL)
        {
          const char *status = natter_contact_get_status (contact);

          subtitle = status != NULL && status[0] != '\0'
                     ? status : natter_presence_show_get_label (natter_contact_get_show (contact));
        }
      else if (g_strcmp0 (natter_conversation_get_title (conversation),
                          natter_conversation_get_peer (conversation)) != 0)
        subtitle = natter_conversation_get_peer (conversation);
    }
  adw_window_title_set_subtitle (self->window_title, subtitle);

  update_menu (self, contact);
}

/* ------------------------------------------------------------------------
 * Reading: the newest message in view marks the conversation read
 * ------------------------------------------------------------------------ */

static gboolean
is_seen (NatterChatView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return self->sticky && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
         GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root));
}

static void
maybe_mark_read (NatterChatView *self)
{
  if (self->conversation != NULL && is_seen (self) &&
      natter_conversation_get_unread (self->conversation) > 0)
    natter_conversation_mark_read (self->conversation);
}

/* ------------------------------------------------------------------------
 * Scrolling
 * ------------------------------------------------------------------------ */

static void
scroll_to_latest (NatterChatView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
}

static gboolean
load_older_cb (gpointer user_data)
{
  NatterChatView *self = user_data;

  self->older_idle_id = 0;
  if (self->messages != NULL && !natter_message_list_get_loading_older (self->messages))
    natter_message_list_request_older (self->messages);
  return G_SOURCE_REMOVE;
}

static void
value_changed_cb (NatterChatView *self,
                  GtkAdjustment  *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  self->sticky = value >= bottom - EDGE;
  gtk_revealer_set_reveal_child (self->jump_revealer, !self->sticky);

  if (value <= EDGE && self->messages != NULL && self->older_idle_id == 0 &&
      !natter_message_list_get_at_start (self->messages))
    self->older_idle_id = g_idle_add (load_older_cb, self);

  maybe_mark_read (self);
}

/* The list grew (a new message, a page measured): stay with the newest
 * message if the user was there. */
static void
upper_changed_cb (NatterChatView *self)
{
  if (self->sticky)
    scroll_to_latest (self);
}

static void
jump_to_latest_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  NatterChatView *self = NATTER_CHAT_VIEW (widget);

  self->sticky = TRUE;
  scroll_to_latest (self);
  gtk_revealer_set_reveal_child (self->jump_revealer, FALSE);
  maybe_mark_read (self);
}

/* ------------------------------------------------------------------------
 * The rows
 * ------------------------------------------------------------------------ */

static void
show_row (NatterChatView *self,
          GtkListItem    *item)
{
  guint position = gtk_list_item_get_position (item);
  NatterMessage *message = gtk_list_item_get_item (item);
  g_autoptr(NatterMessage) previous = NULL;
  NatterAccount *account;
  g_autofree char *own_name = NULL;

  if (message == NULL || position == GTK_INVALID_LIST_POSITION || self->conversation == NULL)
    return;
  if (position > 0)
    previous = g_list_model_get_item (G_LIST_MODEL (self->selection), position - 1);

  account = natter_conversation_get_account (self->conversation);
  if (natter_message_get_direction (message) == NATTER_MESSAGE_DIRECTION_OUT && account != NULL)
    {
      own_name = natter_account_dup_title (account);
      natter_message_row_set_message (NATTER_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                      message, previous, own_name,
                                      natter_account_get_jid (account));
    }
  else
    natter_message_row_set_message (NATTER_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                    message, previous,
                                    natter_conversation_get_title (self->conversation),
                                    natter_conversation_get_peer (self->conversation));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              NatterChatView           *self)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, natter_message_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             NatterChatView           *self)
{
  g_ptr_array_add (self->bound, item);
  show_row (self, item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               NatterChatView           *self)
{
  g_ptr_array_remove_fast (self->bound, item);
  natter_message_row_set_message (NATTER_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                  NULL, NULL, NULL, NULL);
}

/* Whether a message starts a group or a day depends on the one above it,
 * which changes when older messages arrive above or one is filed in
 * between: the rows on screen are told again.  The list view has moved
 * its rows already, as it connected to the model first. */
static void
items_changed_cb (NatterChatView *self,
                  guint           position,
                  guint           removed,
                  guint           added)
{
  for (guint i = 0; i < self->bound->len; i++)
    {
      GtkListItem *item = g_ptr_array_index (self->bound, i);

      if (gtk_list_item_get_position (item) >= position)
        show_row (self, item);
    }
}

/* ------------------------------------------------------------------------
 * Sending, correcting, typing
 * ------------------------------------------------------------------------ */

typedef struct {
  NatterChatView *self;
  char           *text;
} SendData;

static void
send_data_free (SendData *data)
{
  g_object_unref (data->self);
  g_free (data->text);
  g_free (data);
}

/* A message that could not even be stored is given back to the user, so
 * nothing they wrote is lost. */
static void
give_back (SendData     *data,
           const GError *error)
{
  g_autofree char *current = NULL;

  show_error (data->self, error);
  current = natter_composer_dup_text (data->self->composer);
  if (current[0] == '\0')
    natter_composer_set_text (data->self->composer, data->text);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterMessage) message = NULL;

  message = natter_conversation_send_finish (NATTER_CONVERSATION (object), result, &error);
  if (message == NULL)
    give_back (data, error);
  send_data_free (data);
}

static void
correct_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SendData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!natter_conversation_correct_last_finish (NATTER_CONVERSATION (object), result, &error))
    give_back (data, error);
  send_data_free (data);
}

static void
on_composer_send_cb (NatterChatView *self,
                     const char     *text)
{
  SendData *data;
  gboolean editing;

  if (self->conversation == NULL)
    return;
  editing = natter_composer_get_editing (self->composer);
  data = g_new0 (SendData, 1);
  data->self = g_object_ref (self);
  data->text = g_strdup (text);

  natter_composer_set_text (self->composer, NULL);
  natter_composer_set_editing (self->composer, FALSE);
  natter_conversation_set_draft (self->conversation, NULL);
  self->sticky = TRUE;
  if (editing)
    natter_conversation_correct_last_async (self->conversation, text, self->cancellable,
                                            correct_cb, data);
  else
    natter_conversation_send_async (self->conversation, text, self->cancellable, send_cb, data);
}

/* Up in an empty composer: correct the newest own message, if it is in
 * the loaded history (it is the newest page that was opened). */
static void
on_composer_edit_last_cb (NatterChatView *self)
{
  guint n;

  if (self->messages == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(NatterMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i - 1);

      if (natter_message_get_direction (message) == NATTER_MESSAGE_DIRECTION_OUT)
        {
          natter_composer_set_text (self->composer, natter_message_get_body (message));
          natter_composer_set_editing (self->composer, TRUE);
          return;
        }
    }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
on_composer_cancel_edit_cb (NatterChatView *self)
{
  natter_composer_set_text (self->composer, NULL);
  natter_composer_set_editing (self->composer, FALSE);
}

static void
on_composer_typing_cb (NatterChatView  *self,
                       NatterChatState  state)
{
  if (self->conversation != NULL && g_settings_get_boolean (self->settings, "send-chat-states"))
    natter_conversation_set_typing (self->conversation, state);
}

static void
retry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(NatterChatView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!natter_conversation_retry_finish (NATTER_CONVERSATION (object), result, &error))
    show_error (self, error);
}

/* chat.retry (message id): sends a failed message again. */
/* The encryption devices of the conversation's peer, from a notice. */
static void
devices_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NatterChatView *self = NATTER_CHAT_VIEW (widget);
  NatterAccount *account;

  if (self->conversation == NULL)
    return;
  account = natter_conversation_get_account (self->conversation);
  if (account != NULL)
    gtk_widget_activate_action (widget, "win.devices", "(ss)", natter_account_get_jid (account),
                                natter_conversation_get_peer (self->conversation));
}

static void
retry_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  NatterChatView *self = NATTER_CHAT_VIEW (widget);
  NatterMessage *message;

  if (self->messages == NULL || self->conversation == NULL)
    return;
  message = natter_message_list_lookup (self->messages, g_variant_get_int64 (parameter));
  if (message != NULL)
    natter_conversation_retry_async (self->conversation, message, self->cancellable,
                                     retry_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
save_draft (NatterChatView *self)
{
  g_autofree char *text = NULL;

  if (self->conversation == NULL || natter_composer_get_editing (self->composer))
    return;
  text = natter_composer_dup_text (self->composer);
  natter_conversation_set_draft (self->conversation, text[0] != '\0' ? text : NULL);
}

static void
window_active_cb (NatterChatView *self)
{
  maybe_mark_read (self);
}

static void
natter_chat_view_root (GtkWidget *widget)
{
  NatterChatView *self = NATTER_CHAT_VIEW (widget);

  GTK_WIDGET_CLASS (natter_chat_view_parent_class)->root (widget);
  g_signal_connect_object (gtk_widget_get_root (widget), "notify::is-active",
                           G_CALLBACK (window_active_cb), self, G_CONNECT_SWAPPED);
}

static void
natter_chat_view_unroot (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_root (widget), window_active_cb, widget);
  GTK_WIDGET_CLASS (natter_chat_view_parent_class)->unroot (widget);
}

static void
natter_chat_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (natter_chat_view_parent_class)->map (widget);
  maybe_mark_read (NATTER_CHAT_VIEW (widget));
}

static void
natter_chat_view_dispose (GObject *object)
{
  NatterChatView *self = NATTER_CHAT_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->composer != NULL)
    save_draft (self);
  g_clear_handle_id (&self->older_idle_id, g_source_remove);
  if (self->message_list != NULL)
    gtk_list_view_set_model (self->message_list, NULL);
  if (self->conversation_signals != NULL)
    g_signal_group_set_target (self->conversation_signals, NULL);
  if (self->contact_signals != NULL)
    g_signal_group_set_target (self->contact_signals, NULL);
  if (self->roster_signals != NULL)
    g_signal_group_set_target (self->roster_signals, NULL);
  g_clear_object (&self->roster_signals);
  g_clear_object (&self->conversation_signals);
  g_clear_object (&self->contact_signals);
  g_clear_object (&self->selection);
  g_clear_object (&self->messages);
  g_clear_object (&self->conversation);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->bound, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_CHAT_VIEW);

  G_OBJECT_CLASS (natter_chat_view_parent_class)->dispose (object);
}

static void
natter_chat_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NatterChatView *self = NATTER_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;

    case PROP_FOLDED:
      g_value_set_boolean (value, self->folded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_chat_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  NatterChatView *self = NATTER_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      natter_chat_view_set_conversation (self, g_value_get_object (value));
      break;

    case PROP_FOLDED:
      if (self->folded != g_value_get_boolean (value))
        {
          self->folded = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_chat_view_class_init (NatterChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_chat_view_dispose;
  object_class->get_property = natter_chat_view_get_property;
  object_class->set_property = natter_chat_view_set_property;
  widget_class->root = natter_chat_view_root;
  widget_class->unroot = natter_chat_view_unroot;
  widget_class->map = natter_chat_view_map;

  /**
   * NatterChatView:conversation:
   *
   * The conversation shown.
   */
  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, NATTER_TYPE_CONVERSATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NatterChatView:folded:
   *
   * Whether the window shows one pane at a time, so the view offers a
   * way back to the conversation list.
   */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "chat.jump-to-latest", NULL,
                                   jump_to_latest_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.retry", "x", retry_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.devices", NULL, devices_activated_cb);

  g_type_ensure (NATTER_TYPE_COMPOSER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-chat-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, window_title);
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, menu_button);
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, encryption_button);
  gtk_widget_class_bind_template_callback (widget_class, on_encryption_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, scroller);
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, message_list);
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, NatterChatView, composer);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_edit_last_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_cancel_edit_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_typing_cb);
}

static void
natter_chat_view_init (NatterChatView *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->bound = g_ptr_array_new ();
  self->sticky = TRUE;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->message_list, factory);
  g_object_unref (factory);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (upper_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::page-size", G_CALLBACK (upper_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->conversation_signals = g_signal_group_new (NATTER_TYPE_CONVERSATION);
  g_signal_group_connect_swapped (self->conversation_signals, "notify::title",
                                  G_CALLBACK (update_header), self);
  g_signal_group_connect_swapped (self->conversation_signals, "notify::chat-state",
                                  G_CALLBACK (update_header), self);
  g_signal_group_connect_swapped (self->conversation_signals, "notify::unread",
                                  G_CALLBACK (maybe_mark_read), self);
  g_signal_group_connect_swapped (self->conversation_signals, "notify::encryption",
                                  G_CALLBACK (update_encryption), self);
  self->contact_signals = g_signal_group_new (NATTER_TYPE_CONTACT);
  g_signal_group_connect_swapped (self->contact_signals, "notify",
                                  G_CALLBACK (update_header), self);
  self->roster_signals = g_signal_group_new (NATTER_TYPE_ROSTER);
  g_signal_group_connect_swapped (self->roster_signals, "blocklist-changed",
                                  G_CALLBACK (update_header), self);
  g_signal_group_connect_swapped (self->roster_signals, "items-changed",
                                  G_CALLBACK (update_header), self);
}

/**
 * natter_chat_view_new:
 *
 * Returns: (transfer full): a new view, showing no conversation yet
 */
GtkWidget *
natter_chat_view_new (void)
{
  return g_object_new (NATTER_TYPE_CHAT_VIEW, NULL);
}

/**
 * natter_chat_view_get_conversation:
 * @self: a view
 *
 * Returns: (transfer none) (nullable): the conversation shown
 */
NatterConversation *
natter_chat_view_get_conversation (NatterChatView *self)
{
  g_return_val_if_fail (NATTER_IS_CHAT_VIEW (self), NULL);

  return self->conversation;
}

/**
 * natter_chat_view_set_conversation:
 * @self: a view
 * @conversation: (nullable): the conversation to show
 *
 * Shows @conversation from its newest message, with its draft in the
 * composer; the draft of the conversation shown before is kept.
 */
void
natter_chat_view_set_conversation (NatterChatView     *self,
                                   NatterConversation *conversation)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NATTER_IS_CHAT_VIEW (self));
  g_return_if_fail (conversation == NULL || NATTER_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  save_draft (self);
  natter_composer_set_editing (self->composer, FALSE);
  g_clear_handle_id (&self->older_idle_id, g_source_remove);
  gtk_list_view_set_model (self->message_list, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->messages);
  g_signal_group_set_target (self->contact_signals, NULL);
  g_signal_group_set_target (self->roster_signals,
                             conversation != NULL && natter_conversation_get_account (conversation) != NULL
                             ? natter_account_get_roster (natter_conversation_get_account (conversation))
                             : NULL);
  g_set_object (&self->conversation, conversation);
  g_signal_group_set_target (self->conversation_signals, conversation);

  if (conversation != NULL)
    {
      NatterMessageList *messages = natter_conversation_get_messages (conversation, &error);

      if (messages == NULL)
        show_error (self, error);
      else
        {
          self->messages = g_object_ref (messages);
          self->selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (messages)));
          gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (self->selection));
          g_signal_connect_object (self->selection, "items-changed",
                                   G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
        }
      natter_composer_set_text (self->composer, natter_conversation_get_draft (conversation));
      update_header (self);
      update_encryption (self);
    }

  self->sticky = TRUE;
  gtk_revealer_set_reveal_child (self->jump_revealer, FALSE);
  scroll_to_latest (self);
  maybe_mark_read (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

/**
 * natter_chat_view_set_composer_text:
 * @self: a view
 * @text: text for the composer, e.g. from an xmpp: URI
 *
 * Puts @text in the composer for the user to send or change.
 */
void
natter_chat_view_set_composer_text (NatterChatView *self,
                                    const char     *text)
{
  g_return_if_fail (NATTER_IS_CHAT_VIEW (self));

  natter_composer_set_editing (self->composer, FALSE);
  natter_composer_set_text (self->composer, text);
}

/**
 * natter_chat_view_get_at_latest:
 * @self: a view
 *
 * Returns: whether the newest message is in view
 */
gboolean
natter_chat_view_get_at_latest (NatterChatView *self)
{
  g_return_val_if_fail (NATTER_IS_CHAT_VIEW (self), FALSE);

  return self->sticky;
}

/**
 * natter_chat_view_focus_composer:
 * @self: a view
 *
 * Puts the keyboard focus in the composer.
 */
void
natter_chat_view_focus_composer (NatterChatView *self)
{
  g_return_if_fail (NATTER_IS_CHAT_VIEW (self));

  natter_composer_focus (self->composer);
}
