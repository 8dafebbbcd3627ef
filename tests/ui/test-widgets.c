/* test-widgets.c: address checks, consistent colours and bad input in the dialogs
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ui/ui.h"

#include "natter-test-ui.h"

/* ------------------------------------------------------------------------
 * Addresses typed by the user
 * ------------------------------------------------------------------------ */

static char *
make_long_address (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 2000; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "@example.org");
  return g_string_free (text, FALSE);
}

static const char *bad_addresses[] = {
  "alice smith@example.org",     /* a space */
  "alice@exa mple.org",
  "alice@bob@example.org",       /* two @ */
  "alice\xe2\x80\xae" "gro.elpmaxe@example.org",  /* U+202E RIGHT-TO-LEFT OVERRIDE */
  "alice@example\xe2\x81\xa6.org",                /* U+2066 LEFT-TO-RIGHT ISOLATE */
  "\xe2\x80\x8f" "alice@example.org",             /* U+200F RIGHT-TO-LEFT MARK */
  "alice\x01@example.org",       /* a control character */
  "ali<ce@example.org",          /* forbidden in the localpart */
  "@example.org",                /* no localpart */
  "alice@",                      /* no domain */
  "alice@example..org",          /* an empty label */
  "alice@-example.org",
};

static void
test_address_rejects_bad_input (void)
{
  g_autofree char *long_address = make_long_address ();

  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad address %u", i);
      g_assert_false (natter_address_check (bad_addresses[i], NATTER_ADDRESS_ACCOUNT, &error));
      g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
      g_assert_nonnull (error->message);
      g_clear_error (&error);
      g_assert_false (natter_address_check (bad_addresses[i], NATTER_ADDRESS_CONTACT, &error));
      g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (natter_address_check (long_address, NATTER_ADDRESS_ACCOUNT, &error));
    g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
  }
}

static void
test_address_messages_say_what_is_wrong (void)
{
  g_autoptr(GError) space = NULL;
  g_autoptr(GError) two_at = NULL;
  g_autoptr(GError) bidi = NULL;
  g_autoptr(GError) no_domain = NULL;

  natter_address_check ("alice smith@example.org", NATTER_ADDRESS_ACCOUNT, &space);
  g_assert_nonnull (strstr (space->message, "spaces"));
  natter_address_check ("a@b@example.org", NATTER_ADDRESS_CONTACT, &two_at);
  g_assert_nonnull (strstr (two_at->message, "one “@”"));
  natter_address_check ("alice\xe2\x80\xae@example.org", NATTER_ADDRESS_CONTACT, &bidi);
  g_assert_nonnull (strstr (bidi->message, "invisible or control"));
  natter_address_check ("example.org", NATTER_ADDRESS_ACCOUNT, &no_domain);
  g_assert_nonnull (strstr (no_domain->message, "name@example.org"));
}

static void
test_address_accepts_valid_input (void)
{
  static const char *accounts[] = {
    "alice@example.org",
    "Alice@Example.ORG",
    "juliet@example.com/balcony",
    "juliet@example.com/a resource with spaces",
    /* Cyrillic, with an internationalised domain */
    "\xd0\xb0\xd0\xbb\xd0\xb8\xd1\x81\xd0\xb0@"
    "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84",
    "\xd8\xb9\xd9\x84\xd9\x8a@example.org",       /* Arabic localpart, no bidi controls */
    "alice@192.0.2.1",
    "alice@[2001:db8::1]",
    "alice@example.org.",
  };
  static const char *contacts[] = {
    "bob@example.net",
    "example.net",
    "conference.example.net",
  };

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("account address %s", accounts[i]);
      g_assert_true (natter_address_check (accounts[i], NATTER_ADDRESS_ACCOUNT, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (contacts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (natter_address_check (contacts[i], NATTER_ADDRESS_CONTACT, &error));
      g_assert_no_error (error);
    }

  /* A contact's address has no resource. */
  g_assert_false (natter_address_check ("bob@example.net/phone", NATTER_ADDRESS_CONTACT, NULL));
}

static void
test_address_hosts_and_resources (void)
{
  g_assert_true (natter_address_check_host ("127.0.0.1", NULL));
  g_assert_true (natter_address_check_host ("::1", NULL));
  g_assert_true (natter_address_check_host ("xmpp.example.org", NULL));
  g_assert_false (natter_address_check_host ("xmpp example.org", NULL));
  g_assert_false (natter_address_check_host ("xmpp.example.org:5222", NULL));
  g_assert_false (natter_address_check_host ("user@xmpp.example.org", NULL));

  g_assert_true (natter_address_check_resource ("laptop", NULL));
  g_assert_true (natter_address_check_resource ("My Laptop", NULL));
  g_assert_false (natter_address_check_resource ("lap\xe2\x80\xaetop", NULL));
  g_assert_false (natter_address_check_resource ("", NULL));
}

/* ------------------------------------------------------------------------
 * XEP-0392 consistent colours
 * ------------------------------------------------------------------------ */

static void
test_consistent_color_vectors (void)
{
  /* XEP-0392 version 0.8, §13.1: hue angles and sRGB without corrections
   * for colour vision deficiency. */
  static const struct {
    const char *input;
    double      hue;
    double      rgb[3];
  } vectors[] = {
    { "Romeo", 327.255249, { 0.865, 0.000, 0.686 } },
    { "juliet@capulet.lit", 209.410400, { 0.000, 0.515, 0.573 } },
    { "\xf0\x9f\x98\xba", 331.199341, { 0.872, 0.000, 0.659 } },
    { "council", 359.994507, { 0.918, 0.000, 0.394 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      GdkRGBA rgba;

      g_assert_cmpfloat_with_epsilon (natter_consistent_color_hue (vectors[i].input),
                                      vectors[i].hue, 0.000001);
      natter_consistent_color_rgb (vectors[i].input, &rgba);
      g_test_message ("%s: %.3f %.3f %.3f", vectors[i].input, rgba.red, rgba.green, rgba.blue);
      g_assert_cmpfloat_with_epsilon (rgba.red, vectors[i].rgb[0], 0.001);
      g_assert_cmpfloat_with_epsilon (rgba.green, vectors[i].rgb[1], 0.001);
      g_assert_cmpfloat_with_epsilon (rgba.blue, vectors[i].rgb[2], 0.001);
    }
}

static void
test_avatar_keeps_its_colour (void)
{
  GtkWidget *avatar = natter_avatar_new (40);

  g_object_ref_sink (avatar);
  natter_avatar_set_identity (NATTER_AVATAR (avatar), "juliet@capulet.lit");
  natter_avatar_set_text (NATTER_AVATAR (avatar), "Juliet");
  g_assert_cmpstr (natter_avatar_get_identity (NATTER_AVATAR (avatar)), ==, "juliet@capulet.lit");
  g_assert_cmpstr (natter_avatar_get_text (NATTER_AVATAR (avatar)), ==, "Juliet");
  g_assert_cmpint (natter_avatar_get_size (NATTER_AVATAR (avatar)), ==, 40);
  g_assert_finalize_object (avatar);
}

/* ------------------------------------------------------------------------
 * The dialogs mark bad addresses before anything is sent
 * ------------------------------------------------------------------------ */

static void
type_into (GtkWidget  *root,
           const char *row_title,
           const char *text)
{
  GtkWidget *row = natter_test_ui_find_descendant (root, ADW_TYPE_ENTRY_ROW, row_title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Whether the dialog's Add button, which follows its action, can be used. */
static gboolean
action_enabled (GtkWidget  *widget,
                const char *name)
{
  GtkWidget *button = natter_test_ui_find_descendant (widget, GTK_TYPE_BUTTON, "_Add");

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, name);
  return gtk_widget_get_sensitive (button);
}

static void
dialogs_mark_bad_addresses (GApplication *app,
                            gpointer      user_data)
{
  NatterAccountList *accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  GtkWindow *window = natter_application_get_main_window (NATTER_APPLICATION (app));
  g_autofree char *long_address = make_long_address ();
  NatterAddAccountDialog *dialog;
  GtkWidget *jid_row;

  g_assert_nonnull (accounts);
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  dialog = NATTER_ADD_ACCOUNT_DIALOG (natter_test_ui_find_window (NATTER_TYPE_ADD_ACCOUNT_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  natter_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  jid_row = natter_test_ui_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Address");

  /* Nothing typed: nothing wrong yet, but nothing to add either. */
  g_assert_null (natter_add_account_dialog_get_address_error (dialog));
  g_assert_false (action_enabled (GTK_WIDGET (dialog), "account.add"));

  type_into (GTK_WIDGET (dialog), "Password", "secret");
  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    {
      type_into (GTK_WIDGET (dialog), "Address", bad_addresses[i]);
      g_assert_nonnull (natter_add_account_dialog_get_address_error (dialog));
      g_assert_true (gtk_widget_has_css_class (jid_row, "error"));
      g_assert_false (action_enabled (GTK_WIDGET (dialog), "account.add"));
    }
  type_into (GTK_WIDGET (dialog), "Address", long_address);
  g_assert_nonnull (natter_add_account_dialog_get_address_error (dialog));
  g_assert_false (action_enabled (GTK_WIDGET (dialog), "account.add"));

  /* The bidi override shows as wrong, and the window still draws. */
  type_into (GTK_WIDGET (dialog), "Address", "alice\xe2\x80\xae" "gro.elpmaxe@example.org");
  natter_test_ui_save_screens (GTK_WINDOW (dialog), "add-account-bad-address", 620);

  type_into (GTK_WIDGET (dialog), "Address", "alice@example.org");
  g_assert_null (natter_add_account_dialog_get_address_error (dialog));
  g_assert_false (gtk_widget_has_css_class (jid_row, "error"));
  g_assert_true (action_enabled (GTK_WIDGET (dialog), "account.add"));

  /* The advanced settings are checked too. */
  type_into (GTK_WIDGET (dialog), "Server (host name or IP address)", "xmpp example.org");
  g_assert_false (action_enabled (GTK_WIDGET (dialog), "account.add"));
  type_into (GTK_WIDGET (dialog), "Server (host name or IP address)", "127.0.0.1");
  type_into (GTK_WIDGET (dialog), "Port", "70000");
  g_assert_false (action_enabled (GTK_WIDGET (dialog), "account.add"));
  type_into (GTK_WIDGET (dialog), "Port", "5222");
  g_assert_true (action_enabled (GTK_WIDGET (dialog), "account.add"));

  natter_test_ui_save_screens (GTK_WINDOW (dialog), "add-account", 620);

  /* Nothing was added by typing. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 0);
  gtk_window_close (GTK_WINDOW (dialog));
  NATTER_TEST_UI_WAIT (natter_test_ui_find_window (NATTER_TYPE_ADD_ACCOUNT_DIALOG) == NULL, 5);
}

static void
with_application (NatterTestUiAppFunc func)
{
  NatterApplication *app = natter_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_cmpint (natter_test_ui_run_application (G_APPLICATION (app), func, NULL), ==, 0);
  g_assert_finalize_object (app);
}

static void
test_dialogs_mark_bad_addresses (void)
{
  with_application (dialogs_mark_bad_addresses);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/natter/ui/address/rejects-bad-input", test_address_rejects_bad_input);
  g_test_add_func ("/natter/ui/address/messages-say-what-is-wrong",
                   test_address_messages_say_what_is_wrong);
  g_test_add_func ("/natter/ui/address/accepts-valid-input", test_address_accepts_valid_input);
  g_test_add_func ("/natter/ui/address/hosts-and-resources", test_address_hosts_and_resources);
  g_test_add_func ("/natter/ui/avatar/xep0392-vectors", test_consistent_color_vectors);
  g_test_add_func ("/natter/ui/avatar/properties", test_avatar_keeps_its_colour);
  g_test_add_func ("/natter/ui/add-account/marks-bad-addresses", test_dialogs_mark_bad_addresses);

  return g_test_run ();
}
