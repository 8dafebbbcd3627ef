/* test-chat-widgets.c: the composer's keys and chat states, message rows, links
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/natter-conversation-private.h"
#include "store/store.h"
#include "ui/ui.h"

#include "natter-test-ui.h"

/* ------------------------------------------------------------------------
 * Links in other people's text
 * ------------------------------------------------------------------------ */

static void
test_linkify (void)
{
  static const struct {
    const char *text;
    const char *markup;
  } cases[] = {
    { "plain", "plain" },
    { "<b>bold</b> &amp;", "&lt;b&gt;bold&lt;/b&gt; &amp;amp;" },
    { "see https://example.org/a?b=1&c=2.",
      "see <a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>." },
    { "(https://en.wikipedia.org/wiki/Foo_(bar))",
      "(<a href=\"https://en.wikipedia.org/wiki/Foo_(bar)\">https://en.wikipedia.org/wiki/Foo_(bar)</a>)" },
    { "xmpp:bob@example.org?message, ok",
      "<a href=\"xmpp:bob@example.org?message\">xmpp:bob@example.org?message</a>, ok" },
    { "javascript:alert(1) is not a link", "javascript:alert(1) is not a link" },
    { "https://\"onmouseover=x", "https://&quot;onmouseover=x" },
    { "bad \xff utf-8", "bad \xef\xbf\xbd utf-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = natter_linkify (cases[i].text);

      GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));

      g_assert_cmpstr (markup, ==, cases[i].markup);
      /* A label shows exactly the text (a parse failure would warn, which
       * is fatal in tests). */
      gtk_label_set_markup (GTK_LABEL (label), markup);
      if (g_utf8_validate (cases[i].text, -1, NULL))
        g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, cases[i].text);
      g_object_unref (label);
    }
}

/* ------------------------------------------------------------------------
 * Message rows
 * ------------------------------------------------------------------------ */

static NatterMessage *
make_message (const char *body,
              gint64      timestamp,
              gboolean    outgoing,
              NatterStoreMessageState state)
{
  g_autoptr(NatterStoreMessage) record = natter_store_message_new ();

  record->id = timestamp;
  record->direction = outgoing ? NATTER_STORE_DIRECTION_OUT : NATTER_STORE_DIRECTION_IN;
  record->state = state;
  record->sender = g_strdup (outgoing ? "me@example.org/natter" : "bob@example.org/phone");
  record->body = g_strdup (body);
  record->timestamp = timestamp;
  return natter_message_new_from_record (record);
}

/* An incoming OMEMO message (or, with @flags, notice) as the store gives it. */
static NatterMessage *
make_omemo_message (gint64                   id,
                    const char              *body,
                    gint64                   timestamp,
                    int                      sender_trust,
                    NatterStoreMessageFlags  flags)
{
  g_autoptr(NatterStoreMessage) record = natter_store_message_new ();

  record->id = id;
  record->direction = NATTER_STORE_DIRECTION_IN;
  record->state = NATTER_STORE_MESSAGE_STATE_RECEIVED;
  record->sender = g_strdup ("bob@example.org");
  record->body = g_strdup (body);
  record->timestamp = timestamp;
  record->encryption = NATTER_STORE_ENCRYPTION_OMEMO;
  record->sender_trust = sender_trust;
  record->sender_device = 4242;
  record->flags = flags;
  return natter_message_new_from_record (record);
}

static gboolean
has_image_saying (GtkWidget  *row,
                  const char *tooltip)
{
  g_autoptr(GPtrArray) images = natter_test_ui_find_all (row, GTK_TYPE_IMAGE);

  for (guint i = 0; i < images->len; i++)
    if (gtk_widget_is_visible (g_ptr_array_index (images, i)) &&
        g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (images, i)), tooltip) == 0)
      return TRUE;
  return FALSE;
}

static void
test_message_rows (void)
{
  gint64 now = g_get_real_time ();
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autoptr(NatterMessage) first = NULL;
  g_autoptr(NatterMessage) second = NULL;
  g_autoptr(NatterMessage) third = NULL;
  g_autoptr(NatterMessage) long_message = NULL;
  GtkWidget *row = g_object_ref_sink (natter_message_row_new ());
  GtkWidget *window = gtk_window_new ();
  GtkWidget *label;
  gint64 start;

  first = make_message ("<i>not italic</i>", now - 60 * G_USEC_PER_SEC, FALSE,
                        NATTER_STORE_MESSAGE_STATE_RECEIVED);
  second = make_message ("right after", now - 30 * G_USEC_PER_SEC, FALSE,
                         NATTER_STORE_MESSAGE_STATE_RECEIVED);
  third = make_message ("mine", now, TRUE, NATTER_STORE_MESSAGE_STATE_PENDING);

  /* The first message of a day has the day and the sender. */
  natter_message_row_set_message (NATTER_MESSAGE_ROW (row), first, NULL, "Bob", "bob@example.org");
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Today")));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Bob")));
  label = natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "<i>not italic</i>");
  g_assert_nonnull (label);
  g_assert_true (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "<i>not italic</i>");

  /* The next one from the same sender half a minute later joins the group. */
  natter_message_row_set_message (NATTER_MESSAGE_ROW (row), second, first, "Bob", "bob@example.org");
  g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Today")));
  g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Bob")));

  /* Our own starts a group and says it is being sent. */
  natter_message_row_set_message (NATTER_MESSAGE_ROW (row), third, second, "Me", "me@example.org");
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Me")));
  g_assert_true (has_image_saying (row, "Sending"));
  natter_message_set_state (third, NATTER_MESSAGE_STATE_FAILED);
  g_assert_true (has_image_saying (row, "Not sent"));
  g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL,
                                                                       "The message could not be sent.")));

  /* A plaintext message shows no lock; an OMEMO one does. */
  g_assert_false (has_image_saying (row, "Encrypted end to end (OMEMO)"));
  {
    g_autoptr(NatterMessage) secret = make_omemo_message (99, "between us", now, 0, 0);

    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), secret, third, "Bob", "bob@example.org");
    g_assert_true (has_image_saying (row, "Encrypted end to end (OMEMO)"));
  }
  {
    g_autoptr(NatterMessage) verified = make_omemo_message (100, "from a device you checked", now,
                                                            NATTER_OMEMO_TRUST_VERIFIED, 0);

    g_assert_true (natter_message_get_sender_verified (verified));
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), verified, third, "Bob", "bob@example.org");
    g_assert_true (has_image_saying (row, "Encrypted end to end (OMEMO), from a verified device"));
  }
  /* From a distrusted device: a notice until the user asks for the text. */
  {
    g_autoptr(NatterMessage) distrusted = make_omemo_message (101, "sent from a stolen phone", now,
                                                              NATTER_OMEMO_TRUST_DISTRUSTED, 0);
    GtkWidget *show;

    g_assert_true (natter_message_get_sender_distrusted (distrusted));
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), distrusted, third, "Bob",
                                    "bob@example.org");
    g_assert_null (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "sent from a stolen phone"));
    g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL,
                                                                         "Hidden: this message comes from a device you distrusted.")));
    show = natter_test_ui_find_descendant (row, GTK_TYPE_BUTTON, "Show Message");
    g_assert_true (gtk_widget_is_visible (show));
    g_signal_emit_by_name (show, "clicked");
    g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL,
                                                                         "sent from a stolen phone")));
    g_assert_false (gtk_widget_is_visible (show));
    /* Shown again for another message, the row hides it again. */
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), third, second, "Me", "me@example.org");
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), distrusted, third, "Bob",
                                    "bob@example.org");
    g_assert_null (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "sent from a stolen phone"));
  }
  /* The peer's new device: a notice without avatar or name, leading to the devices. */
  {
    g_autoptr(NatterMessage) notice = make_omemo_message (102, NULL, now, 0,
                                                          NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE);

    g_assert_cmpint (natter_message_get_kind (notice), ==, NATTER_MESSAGE_KIND_DEVICE_ADDED);
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), notice, third, "Bob", "bob@example.org");
    g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL,
                                                                         "Bob added a new encryption device")));
    g_assert_false (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Bob")));
    g_assert_false (has_image_saying (row, "Encrypted end to end (OMEMO)"));
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (natter_test_ui_find_descendant (row, GTK_TYPE_BUTTON,
                                                                                                   "Review Devices…"))),
                     ==, "chat.devices");
    /* The message after a notice starts a group of its own. */
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), second, notice, "Bob", "bob@example.org");
    g_assert_true (gtk_widget_is_visible (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, "Bob")));
  }

  /* 100,000 characters of one message, shown as they are. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (huge, "0123<b>&x");
  long_message = make_message (huge->str, now, FALSE, NATTER_STORE_MESSAGE_STATE_RECEIVED);
  natter_message_row_set_message (NATTER_MESSAGE_ROW (row), long_message, NULL, "Bob",
                                  "bob@example.org");
  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_present (GTK_WINDOW (window));
  start = g_get_monotonic_time ();
  natter_test_ui_wait_for_frame (window);
  g_test_message ("a 100,000-character message drew in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  /* Its beginning, literally, and the whole in a text view on request. */
  {
    g_autofree char *start_text = g_strndup (huge->str, 1000);
    g_autofree char *shown = g_strconcat (start_text, "…", NULL);
    GtkTextBuffer *buffer;
    GtkTextIter begin, end;
    g_autofree char *full = NULL;
    GtkWindow *full_window;

    g_assert_nonnull (natter_test_ui_find_descendant (row, GTK_TYPE_LABEL, shown));
    g_signal_emit_by_name (natter_test_ui_find_descendant (row, GTK_TYPE_BUTTON, "Show Full Message"),
                           "clicked");
    full_window = natter_test_ui_find_window (ADW_TYPE_WINDOW);
    g_assert_nonnull (full_window);
    buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (natter_test_ui_find_descendant (GTK_WIDGET (full_window),
                                                                                     GTK_TYPE_TEXT_VIEW, NULL)));
    gtk_text_buffer_get_bounds (buffer, &begin, &end);
    full = gtk_text_buffer_get_text (buffer, &begin, &end, FALSE);
    g_assert_cmpstr (full, ==, huge->str);
    natter_test_ui_wait_for_frame (GTK_WIDGET (full_window));
    gtk_window_destroy (full_window);
  }

  natter_message_row_set_message (NATTER_MESSAGE_ROW (row), NULL, NULL, NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (row);
}

/* ------------------------------------------------------------------------
 * The composer
 * ------------------------------------------------------------------------ */

typedef struct {
  GPtrArray *sent;
  guint      edit_last;
  guint      cancel;
  GArray    *states;
} Events;

static void
sent_cb (NatterComposer *composer,
         const char     *text,
         Events         *events)
{
  g_ptr_array_add (events->sent, g_strdup (text));
}

static void
edit_last_cb (NatterComposer *composer,
              Events         *events)
{
  events->edit_last++;
}

static void
cancel_cb (NatterComposer *composer,
           Events         *events)
{
  events->cancel++;
}

static void
typing_cb (NatterComposer  *composer,
           NatterChatState  state,
           Events          *events)
{
  g_array_append_val (events->states, state);
}

/* Sends a key press through the text view's own key controllers, as GTK
 * delivers it; returns whether one handled it. */
static gboolean
press (GtkWidget       *text_view,
       guint            keyval,
       GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (text_view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, modifiers, &handled);
    }
  return handled;
}

static void
test_composer (void)
{
  Events events = { g_ptr_array_new_with_free_func (g_free), 0, 0,
                    g_array_new (FALSE, FALSE, sizeof (NatterChatState)) };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *composer = natter_composer_new ();
  GtkWidget *view;
  GtkTextBuffer *buffer;
  g_autofree char *text = NULL;
  int natural;

  gtk_window_set_child (GTK_WINDOW (window), composer);
  gtk_window_present (GTK_WINDOW (window));
  view = natter_test_ui_find_descendant (composer, GTK_TYPE_TEXT_VIEW, NULL);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_signal_connect (composer, "send", G_CALLBACK (sent_cb), &events);
  g_signal_connect (composer, "edit-last", G_CALLBACK (edit_last_cb), &events);
  g_signal_connect (composer, "cancel-edit", G_CALLBACK (cancel_cb), &events);
  g_signal_connect (composer, "typing", G_CALLBACK (typing_cb), &events);

  /* One empty line is about one line high. */
  natter_test_ui_wait_for_frame (window);
  gtk_widget_measure (composer, GTK_ORIENTATION_VERTICAL, 400, NULL, &natural, NULL, NULL);
  g_assert_cmpint (natural, <, 60);

  /* Thirty lines scroll inside a composer that stops growing. */
  natter_composer_set_text (NATTER_COMPOSER (composer),
                            "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
                            "16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30");
  natter_test_ui_wait_for_frame (window);
  gtk_widget_measure (composer, GTK_ORIENTATION_VERTICAL, 400, NULL, &natural, NULL, NULL);
  g_assert_cmpint (natural, <, 200);
  natter_composer_set_text (NATTER_COMPOSER (composer), NULL);

  /* Enter on nothing sends nothing; Up on nothing asks to correct. */
  g_assert_true (press (view, GDK_KEY_Return, 0));
  g_assert_cmpuint (events.sent->len, ==, 0);
  g_assert_true (press (view, GDK_KEY_Up, 0));
  g_assert_cmpuint (events.edit_last, ==, 1);
  g_assert_false (press (view, GDK_KEY_Escape, 0));

  /* Typing reports composing once; Shift+Enter is the text view's. */
  gtk_text_buffer_insert_at_cursor (buffer, "two", -1);
  gtk_text_buffer_insert_at_cursor (buffer, " lines", -1);
  g_assert_cmpuint (events.states->len, ==, 1);
  g_assert_cmpint (g_array_index (events.states, NatterChatState, 0), ==,
                   NATTER_CHAT_STATE_COMPOSING);
  g_assert_false (press (view, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_false (press (view, GDK_KEY_Up, 0));  /* moves the cursor */
  g_assert_cmpuint (events.edit_last, ==, 1);

  /* Enter sends the text as written. */
  g_assert_true (press (view, GDK_KEY_Return, 0));
  g_assert_cmpuint (events.sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (events.sent, 0), ==, "two lines");

  /* Text set by the program (a draft) is no keystroke. */
  natter_composer_set_text (NATTER_COMPOSER (composer), "a draft");
  g_assert_cmpuint (events.states->len, ==, 1);
  text = natter_composer_dup_text (NATTER_COMPOSER (composer));
  g_assert_cmpstr (text, ==, "a draft");

  /* Correcting: Escape gives up. */
  natter_composer_set_editing (NATTER_COMPOSER (composer), TRUE);
  g_assert_true (press (view, GDK_KEY_Escape, 0));
  g_assert_cmpuint (events.cancel, ==, 1);

  /* A pause in typing is reported. */
  natter_composer_set_editing (NATTER_COMPOSER (composer), FALSE);
  gtk_text_buffer_insert_at_cursor (buffer, "!", -1);
  NATTER_TEST_UI_WAIT (events.states->len == 3, NATTER_COMPOSER_PAUSE_SECONDS + 5);
  g_assert_cmpint (g_array_index (events.states, NatterChatState, 1), ==,
                   NATTER_CHAT_STATE_COMPOSING);
  g_assert_cmpint (g_array_index (events.states, NatterChatState, 2), ==,
                   NATTER_CHAT_STATE_PAUSED);

  gtk_window_destroy (GTK_WINDOW (window));
  g_ptr_array_unref (events.sent);
  g_array_unref (events.states);
}

/* ------------------------------------------------------------------------
 * QR codes
 * ------------------------------------------------------------------------ */

static gboolean
is_dark (const guint8 *pixels,
         int           stride,
         int           x,
         int           y)
{
  return pixels[y * stride + x * 4 + 1] < 128;  /* green of B, G, R, A */
}

static void
test_qr_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) code = natter_qr_code_new ("xmpp:alice@example.org?omemo-sid-1=abcdef", 4,
                                                   &error);
  g_autofree guint8 *pixels = NULL;
  g_autoptr(GString) huge = g_string_new ("xmpp:a@example.org?x=");
  int side, modules, stride;

  g_assert_no_error (error);
  side = gdk_texture_get_width (code);
  g_assert_cmpint (gdk_texture_get_height (code), ==, side);
  g_assert_cmpint (side % 4, ==, 0);
  modules = side / 4 - 8;
  /* Versions 1 to 40: 21 to 177 modules a side, in steps of 4. */
  g_assert_cmpint (modules, >=, 21);
  g_assert_cmpint ((modules - 21) % 4, ==, 0);

  stride = side * 4;
  pixels = g_malloc (stride * side);
  gdk_texture_download (code, pixels, stride);
  /* White quiet zone; the top-left finder: a dark ring around a light
   * ring around a dark 3x3 centre. */
  g_assert_false (is_dark (pixels, stride, 0, 0));
  g_assert_false (is_dark (pixels, stride, 15, 15));
  g_assert_true (is_dark (pixels, stride, 16, 16));
  g_assert_false (is_dark (pixels, stride, 16 + 4 + 1, 16 + 4 + 1));
  g_assert_true (is_dark (pixels, stride, 16 + 3 * 4 + 1, 16 + 3 * 4 + 1));
  /* ...and the same at the top-right. */
  g_assert_true (is_dark (pixels, stride, side - 16 - 1, 16));

  /* Too much for any QR code: a clear error. */
  for (guint i = 0; i < 400; i++)
    g_string_append (huge, "0123456789");
  g_assert_null (natter_qr_code_new (huge->str, 4, &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/natter/ui/chat/linkify", test_linkify);
  g_test_add_func ("/natter/ui/chat/message-rows", test_message_rows);
  g_test_add_func ("/natter/ui/chat/composer", test_composer);
  g_test_add_func ("/natter/ui/qr-code", test_qr_code);

  return g_test_run ();
}
