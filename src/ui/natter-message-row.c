/* natter-message-row.c: one message in the chat view
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages are grouped the way people read them: a run of messages from
 * one sender within a few minutes shows the avatar, name and time once,
 * and a new day starts with its name.  The body is the sender's text,
 * shown literally with its links made clickable (natter-linkify.c);
 * outgoing messages show where they are (pending, sent, delivered, read)
 * and a failed one says why and offers to send it again.  A message from
 * a device the user distrusted shows a notice until asked to show its
 * text; a notice that the peer added a device stands on its own, without
 * avatar or name, and leads to the devices.
 */
#include "config.h"

#include "natter-message-row.h"

#include <glib/gi18n.h>

#include "natter-avatar.h"
#include "natter-linkify.h"
#include "natter-time-format.h"

/* Messages of one sender closer together than this share a header. */
#define GROUP_GAP (5 * 60 * G_USEC_PER_SEC)

/* A label lays out all of its text at once, which takes seconds for a
 * message of 100,000 characters: longer bodies show their beginning, and
 * the whole text opens in a text view, which lays out lazily. */
#define SHOWN_CHARS 1000

struct _NatterMessageRow
{
  AdwBin         parent_instance;

  NatterMessage *message;
  gulong         notify_id;
  char          *sender_name;
  gboolean       revealed;     /* the user asked to see a hidden message */

  GtkLabel      *day_label;
  GtkWidget     *avatar_slot;
  NatterAvatar  *avatar;
  GtkWidget     *header_box;
  GtkLabel      *sender_label;
  GtkLabel      *time_label;
  GtkLabel      *body_label;
  GtkImage      *state_icon;
  GtkWidget     *lock_icon;
  GtkWidget     *error_box;
  GtkLabel      *error_label;
  GtkWidget     *retry_button;
  GtkWidget     *full_button;
  GtkWidget     *reveal_button;
  GtkWidget     *devices_button;
};

G_DEFINE_FINAL_TYPE (NatterMessageRow, natter_message_row, ADW_TYPE_BIN)

static const struct {
  const char *icon_name;
  const char *label;
} outgoing_states[] = {
  [NATTER_MESSAGE_STATE_PENDING] = { "user-status-pending-symbolic", N_("Sending") },
  [NATTER_MESSAGE_STATE_SENT] = { "emblem-ok-symbolic", N_("Sent") },
  [NATTER_MESSAGE_STATE_DELIVERED] = { "emblem-default-symbolic", N_("Delivered") },
  [NATTER_MESSAGE_STATE_READ] = { "view-reveal-symbolic", N_("Read") },
  [NATTER_MESSAGE_STATE_FAILED] = { "dialog-error-symbolic", N_("Not sent") },
};

static void
update_state (NatterMessageRow *self)
{
  NatterMessage *message = self->message;
  NatterMessageState state = natter_message_get_state (message);
  gboolean outgoing = natter_message_get_direction (message) == NATTER_MESSAGE_DIRECTION_OUT;
  const char *error = natter_message_get_error (message);
  g_autofree char *markup = NULL;
  const char *body;
  gboolean too_long;
  gboolean notice;
  gboolean hidden;

  notice = natter_message_get_kind (message) == NATTER_MESSAGE_KIND_DEVICE_ADDED;
  hidden = natter_message_get_sender_distrusted (message) && !self->revealed;
  body = natter_message_get_body (message) != NULL ? natter_message_get_body (message) : "";
  too_long = !notice && !hidden && g_utf8_strlen (body, SHOWN_CHARS * 4 + 1) > SHOWN_CHARS;
  if (notice)
    {
      /* TRANSLATORS: a notice in a conversation; %s is the contact */
      g_autofree char *text = g_strdup_printf (_("%s added a new encryption device"),
                                               self->sender_name != NULL ? self->sender_name
                                                                         : natter_message_get_sender (message));

      markup = g_markup_escape_text (text, -1);
    }
  else if (hidden)
    markup = g_markup_escape_text (_("Hidden: this message comes from a device you distrusted."), -1);
  else if (too_long)
    {
      g_autofree char *start = g_utf8_substring (body, 0, SHOWN_CHARS);
      g_autofree char *shown = g_strconcat (start, "…", NULL);

      markup = natter_linkify (shown);
    }
  else
    markup = natter_linkify (body);
  /* The mark flows with the text, so it needs no box beside the label. */
  if (natter_message_get_edited (message) && !notice && !hidden)
    {
      g_autofree char *mark = g_markup_printf_escaped (" <span size=\"small\" alpha=\"60%%\">%s</span>",
                                                       C_("message", "(edited)"));
      char *marked = g_strconcat (markup, mark, NULL);

      g_free (markup);
      markup = marked;
    }
  if (g_strcmp0 (gtk_label_get_label (self->body_label), markup) != 0)
    gtk_label_set_markup (self->body_label, markup);
  gtk_widget_set_visible (self->full_button, too_long);
  gtk_widget_set_visible (self->reveal_button, hidden);
  gtk_widget_set_visible (self->devices_button, notice);
  /* Hidden text is not there to select, nor is a notice's. */
  gtk_label_set_selectable (self->body_label, !notice && !hidden);
  gtk_widget_set_visible (self->lock_icon,
                          !notice &&
                          natter_message_get_encryption (message) == NATTER_MESSAGE_ENCRYPTION_OMEMO);
  gtk_widget_set_tooltip_text (self->lock_icon,
                               natter_message_get_sender_verified (message)
                               ? _("Encrypted end to end (OMEMO), from a verified device")
                               : _("Encrypted end to end (OMEMO)"));
  if (natter_message_get_sender_verified (message))
    gtk_widget_add_css_class (self->lock_icon, "success");
  else
    gtk_widget_remove_css_class (self->lock_icon, "success");

  if (state == NATTER_MESSAGE_STATE_UNDECRYPTABLE || notice || hidden)
    gtk_widget_add_css_class (GTK_WIDGET (self->body_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->body_label), "dim-label");

  gtk_widget_set_visible (GTK_WIDGET (self->state_icon),
                          outgoing && state < G_N_ELEMENTS (outgoing_states));
  if (outgoing && state < G_N_ELEMENTS (outgoing_states))
    {
      gtk_image_set_from_icon_name (self->state_icon, outgoing_states[state].icon_name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_icon), _(outgoing_states[state].label));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(outgoing_states[state].label), -1);
      if (state == NATTER_MESSAGE_STATE_FAILED)
        gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
    }

  gtk_widget_set_visible (self->error_box,
                          state == NATTER_MESSAGE_STATE_FAILED ||
                          state == NATTER_MESSAGE_STATE_UNDECRYPTABLE);
  gtk_widget_set_visible (self->retry_button, outgoing && state == NATTER_MESSAGE_STATE_FAILED);
  if (state == NATTER_MESSAGE_STATE_FAILED)
    gtk_label_set_text (self->error_label, error != NULL && error[0] != '\0'
                                           ? error : _("The message could not be sent."));
  else if (state == NATTER_MESSAGE_STATE_UNDECRYPTABLE)
    gtk_label_set_text (self->error_label, error != NULL && error[0] != '\0'
                                           ? error : _("This message could not be decrypted."));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "x",
                                    natter_message_get_id (message));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "chat.retry");
}

static void
message_notify_cb (NatterMessage    *message,
                   GParamSpec       *pspec,
                   NatterMessageRow *self)
{
  update_state (self);
}

static gboolean
starts_group (NatterMessage *message,
              NatterMessage *previous)
{
  if (previous == NULL ||
      natter_message_get_kind (previous) != NATTER_MESSAGE_KIND_TEXT)
    return TRUE;
  if (natter_message_get_direction (previous) != natter_message_get_direction (message))
    return TRUE;
  if (g_strcmp0 (natter_message_get_sender (previous), natter_message_get_sender (message)) != 0)
    return TRUE;
  if (natter_message_get_timestamp (message) - natter_message_get_timestamp (previous) > GROUP_GAP)
    return TRUE;
  return !natter_time_same_day (natter_message_get_timestamp (previous),
                                natter_message_get_timestamp (message));
}

/* Whether @text has more than a few hundred characters without a space. */
static gboolean
has_long_run (const char *text)
{
  guint run = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      run = g_unichar_isspace (g_utf8_get_char (p)) ? 0 : run + 1;
      if (run > 200)
        return TRUE;
    }
  return FALSE;
}

/* The whole of a long message, in a window of its own. */
static void
on_full_button_clicked_cb (NatterMessageRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *scroller;
  GtkWidget *view;

  if (self->message == NULL)
    return;
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Message"));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  /* Pango needs minutes to wrap a long run without a break at word
   * boundaries; wrapping it anywhere takes a second. */
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view),
                               has_long_run (natter_message_get_body (self->message))
                               ? GTK_WRAP_CHAR : GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)),
                            natter_message_get_body (self->message), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_reveal_button_clicked_cb (NatterMessageRow *self)
{
  self->revealed = TRUE;
  if (self->message != NULL)
    update_state (self);
}

/* xmpp: links are ours (RFC 5122); everything else goes to the desktop's
 * handler, which GtkLabel calls when the signal returns FALSE. */
static gboolean
on_body_label_activate_link_cb (NatterMessageRow *self,
                                const char       *uri)
{
  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-uri", "s", uri);
  return TRUE;
}

/**
 * natter_message_row_set_message:
 * @self: a row
 * @message: (nullable): the message to show
 * @previous: (nullable): the message shown above it, which decides
 *   whether @message starts a group and a day
 * @sender_name: (nullable): the name to show for the sender
 * @sender_id: (nullable): what the sender's avatar colour derives from,
 *   its bare JID (XEP-0392)
 */
void
natter_message_row_set_message (NatterMessageRow *self,
                                NatterMessage    *message,
                                NatterMessage    *previous,
                                const char       *sender_name,
                                const char       *sender_id)
{
  gint64 timestamp;
  gboolean group;
  gboolean notice;
  gboolean day;
  g_autofree char *clock = NULL;
  g_autofree char *full = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_if_fail (NATTER_IS_MESSAGE_ROW (self));

  if (self->message != NULL)
    g_clear_signal_handler (&self->notify_id, self->message);
  /* A recycled row shows its next message hidden again. */
  if (self->message != message)
    self->revealed = FALSE;
  g_set_object (&self->message, message);
  g_free (self->sender_name);
  self->sender_name = g_strdup (sender_name);
  if (message == NULL)
    return;
  self->notify_id = g_signal_connect (message, "notify", G_CALLBACK (message_notify_cb), self);

  timestamp = natter_message_get_timestamp (message);
  notice = natter_message_get_kind (message) != NATTER_MESSAGE_KIND_TEXT;
  group = !notice && starts_group (message, previous);
  day = previous == NULL ||
        !natter_time_same_day (natter_message_get_timestamp (previous), timestamp);

  gtk_widget_set_visible (GTK_WIDGET (self->day_label), day);
  if (day)
    {
      g_autofree char *text = natter_time_format_day (timestamp, g_get_real_time ());

      gtk_label_set_text (self->day_label, text);
    }

  gtk_widget_set_visible (self->header_box, group);
  gtk_widget_set_child_visible (self->avatar_slot, group);
  gtk_widget_set_margin_top (gtk_widget_get_parent (self->avatar_slot), group || notice ? 8 : 0);
  gtk_widget_set_margin_bottom (gtk_widget_get_parent (self->avatar_slot), notice ? 4 : 0);
  /* A notice is no one's words: centred, between the messages. */
  gtk_label_set_xalign (self->body_label, notice ? 0.5f : 0.0f);
  gtk_label_set_justify (self->body_label, notice ? GTK_JUSTIFY_CENTER : GTK_JUSTIFY_LEFT);
  natter_avatar_set_text (self->avatar, sender_name);
  natter_avatar_set_identity (self->avatar, sender_id);
  gtk_label_set_text (self->sender_label, sender_name != NULL ? sender_name : "");
  clock = natter_time_format_clock (timestamp);
  gtk_label_set_text (self->time_label, clock);

  utc = g_date_time_new_from_unix_utc (timestamp / G_USEC_PER_SEC);
  local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  /* TRANSLATORS: when a message was written, see g_date_time_format() */
  full = local != NULL ? g_date_time_format (local, _("%A, %e %B %Y, %H:%M:%S")) : NULL;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), full);

  update_state (self);
}

/**
 * natter_message_row_get_message:
 * @self: a row
 *
 * Returns: (transfer none) (nullable): the message the row shows
 */
NatterMessage *
natter_message_row_get_message (NatterMessageRow *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

static void
natter_message_row_dispose (GObject *object)
{
  NatterMessageRow *self = NATTER_MESSAGE_ROW (object);

  natter_message_row_set_message (self, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (natter_message_row_parent_class)->dispose (object);
}

static void
natter_message_row_class_init (NatterMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_message_row_dispose;

  g_type_ensure (NATTER_TYPE_AVATAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, day_label);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, avatar_slot);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, lock_icon);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, error_box);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, full_button);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, NatterMessageRow, devices_button);
  gtk_widget_class_bind_template_callback (widget_class, on_full_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reveal_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_body_label_activate_link_cb);
}

static void
natter_message_row_init (NatterMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * natter_message_row_new:
 *
 * Returns: (transfer full): a new row, showing no message yet
 */
GtkWidget *
natter_message_row_new (void)
{
  return g_object_new (NATTER_TYPE_MESSAGE_ROW, NULL);
}
