/* natter-composer.c: where a message is written
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A multi-line text view: Enter sends, Shift+Enter starts a new line, Up
 * in an empty composer asks to correct the last own message (XEP-0308)
 * and Escape gives the correction up.  While the user types the composer
 * reports chat states (XEP-0085): composing on the first keystroke,
 * paused after NATTER_COMPOSER_PAUSE_SECONDS without one, active when the
 * text is gone.  It knows nothing of conversations: the chat view listens
 * to its signals.
 */
#include "config.h"

#include "natter-composer.h"

#include <glib/gi18n.h>

struct _NatterComposer
{
  AdwBin          parent_instance;

  gboolean        editing;
  gboolean        setting_text;  /* a change from set_text, not the user */
  NatterChatState typing;
  guint           pause_id;

  GtkRevealer    *edit_revealer;
  GtkScrolledWindow *scroller;
  GtkTextView    *text_view;
  GtkMenuButton  *emoji_button;
};

G_DEFINE_FINAL_TYPE (NatterComposer, natter_composer, ADW_TYPE_BIN)

enum {
  SIGNAL_SEND,
  SIGNAL_EDIT_LAST,
  SIGNAL_CANCEL_EDIT,
  SIGNAL_TYPING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_typing (NatterComposer  *self,
            NatterChatState  state)
{
  if (self->typing == state)
    return;
  self->typing = state;
  g_signal_emit (self, signals[SIGNAL_TYPING], 0, state);
}

static gboolean
pause_cb (gpointer user_data)
{
  NatterComposer *self = user_data;

  self->pause_id = 0;
  set_typing (self, NATTER_CHAT_STATE_PAUSED);
  return G_SOURCE_REMOVE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* A scrolled window with a scrollbar is at least as tall as the
 * scrollbar wants to be, taller than one line of text: the scrollbar
 * appears only once the text outgrows the composer. */
static void
update_scrollbar (NatterComposer *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->text_view));
  int natural = 0;

  gtk_widget_measure (GTK_WIDGET (self->text_view), GTK_ORIENTATION_VERTICAL,
                      width > 0 ? width : -1, NULL, &natural, NULL, NULL);
  gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_NEVER,
                                  natural > gtk_scrolled_window_get_max_content_height (self->scroller)
                                  ? GTK_POLICY_AUTOMATIC : GTK_POLICY_EXTERNAL);
}

static void
buffer_changed_cb (NatterComposer *self)
{
  g_autofree char *text = natter_composer_dup_text (self);

  update_scrollbar (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", !is_blank (text));
  if (self->setting_text)
    return;

  g_clear_handle_id (&self->pause_id, g_source_remove);
  if (text[0] == '\0')
    {
      set_typing (self, NATTER_CHAT_STATE_ACTIVE);
      return;
    }
  set_typing (self, NATTER_CHAT_STATE_COMPOSING);
  self->pause_id = g_timeout_add_seconds (NATTER_COMPOSER_PAUSE_SECONDS, pause_cb, self);
}

static void
send_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NatterComposer *self = NATTER_COMPOSER (widget);
  g_autofree char *text = natter_composer_dup_text (self);

  if (is_blank (text))
    return;
  g_clear_handle_id (&self->pause_id, g_source_remove);
  /* The message itself carries the active state. */
  self->typing = NATTER_CHAT_STATE_ACTIVE;
  g_signal_emit (self, signals[SIGNAL_SEND], 0, text);
}

static void
cancel_edit_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  NatterComposer *self = NATTER_COMPOSER (widget);

  if (self->editing)
    g_signal_emit (self, signals[SIGNAL_CANCEL_EDIT], 0);
}

static gboolean
key_pressed_cb (NatterComposer  *self,
                guint            keyval,
                guint            keycode,
                GdkModifierType  state)
{
  GdkModifierType modifiers = state & gtk_accelerator_get_default_mod_mask ();

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (modifiers != 0)
        return FALSE;  /* Shift+Enter: a new line */
      gtk_widget_activate_action (GTK_WIDGET (self), "composer.send", NULL);
      return TRUE;

    case GDK_KEY_Up:
      {
        g_autofree char *text = natter_composer_dup_text (self);

        if (modifiers != 0 || text[0] != '\0' || self->editing)
          return FALSE;
        g_signal_emit (self, signals[SIGNAL_EDIT_LAST], 0);
        return TRUE;
      }

    case GDK_KEY_Escape:
      if (!self->editing)
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_CANCEL_EDIT], 0);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
emoji_picked_cb (NatterComposer *self,
                 const char     *emoji)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_text_buffer_insert_at_cursor (buffer, emoji, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* The emoji chooser holds every emoji's button: it is built the first
 * time it opens, not with every window (tests/bench/startup). */
static void
create_emoji_chooser_cb (GtkMenuButton *button,
                         gpointer       user_data)
{
  NatterComposer *self = user_data;
  GtkWidget *chooser;

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  chooser = gtk_emoji_chooser_new ();
  g_signal_connect_object (chooser, "emoji-picked", G_CALLBACK (emoji_picked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_set_popover (button, chooser);
}

static void
natter_composer_dispose (GObject *object)
{
  NatterComposer *self = NATTER_COMPOSER (object);

  g_clear_handle_id (&self->pause_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_COMPOSER);

  G_OBJECT_CLASS (natter_composer_parent_class)->dispose (object);
}

static void
natter_composer_class_init (NatterComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_composer_dispose;

  /**
   * NatterComposer::send:
   * @text: what the user wrote
   *
   * The user sent @text, which is not blank.  The handler clears the
   * composer once the message is stored.
   */
  signals[SIGNAL_SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * NatterComposer::edit-last:
   *
   * The user pressed Up in an empty composer.
   */
  signals[SIGNAL_EDIT_LAST] =
    g_signal_new ("edit-last", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * NatterComposer::cancel-edit:
   *
   * The user gave up correcting a message.
   */
  signals[SIGNAL_CANCEL_EDIT] =
    g_signal_new ("cancel-edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * NatterComposer::typing:
   * @state: a #NatterChatState
   *
   * What the user is doing changed (XEP-0085).
   */
  signals[SIGNAL_TYPING] =
    g_signal_new ("typing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, NATTER_TYPE_CHAT_STATE);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_activated_cb);
  gtk_widget_class_install_action (widget_class, "composer.cancel-edit", NULL,
                                   cancel_edit_activated_cb);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterComposer, edit_revealer);
  gtk_widget_class_bind_template_child (widget_class, NatterComposer, scroller);
  gtk_widget_class_bind_template_child (widget_class, NatterComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, NatterComposer, emoji_button);
}

static void
natter_composer_init (NatterComposer *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Before the text view's own bindings, which would insert the newline. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  gtk_menu_button_set_create_popup_func (self->emoji_button, create_emoji_chooser_cb, self, NULL);

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->text_view), "changed",
                            G_CALLBACK (buffer_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", FALSE);
}

/**
 * natter_composer_new:
 *
 * Returns: (transfer full): a new, empty composer
 */
GtkWidget *
natter_composer_new (void)
{
  return g_object_new (NATTER_TYPE_COMPOSER, NULL);
}

/**
 * natter_composer_dup_text:
 * @self: a composer
 *
 * Returns: (transfer full): the text written so far
 */
char *
natter_composer_dup_text (NatterComposer *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (NATTER_IS_COMPOSER (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/**
 * natter_composer_set_text:
 * @self: a composer
 * @text: (nullable): the text to show, e.g. a draft
 *
 * Replaces the text without reporting a chat state: the user did not
 * type it.  The cursor goes to the end.
 */
void
natter_composer_set_text (NatterComposer *self,
                          const char     *text)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_return_if_fail (NATTER_IS_COMPOSER (self));

  buffer = gtk_text_view_get_buffer (self->text_view);
  self->setting_text = TRUE;
  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
  self->setting_text = FALSE;
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  g_clear_handle_id (&self->pause_id, g_source_remove);
  self->typing = NATTER_CHAT_STATE_ACTIVE;
}

/**
 * natter_composer_get_editing:
 * @self: a composer
 *
 * Returns: whether the text corrects the last own message
 */
gboolean
natter_composer_get_editing (NatterComposer *self)
{
  g_return_val_if_fail (NATTER_IS_COMPOSER (self), FALSE);

  return self->editing;
}

/**
 * natter_composer_set_editing:
 * @self: a composer
 * @editing: whether the text corrects the last own message
 *
 * Shows or hides the bar that says a correction is being written.
 */
void
natter_composer_set_editing (NatterComposer *self,
                             gboolean        editing)
{
  g_return_if_fail (NATTER_IS_COMPOSER (self));

  self->editing = !!editing;
  gtk_revealer_set_reveal_child (self->edit_revealer, self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.cancel-edit", self->editing);
}

/**
 * natter_composer_focus:
 * @self: a composer
 *
 * Puts the keyboard focus where the user types.
 */
void
natter_composer_focus (NatterComposer *self)
{
  g_return_if_fail (NATTER_IS_COMPOSER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}
