/* natter-devices-dialog.c: the OMEMO devices of a contact or of an account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every device of the contact (or of the own account) with its
 * fingerprint in eight groups of eight hex digits, in a monospace font so
 * they can be compared with what the other device shows, its trust and
 * when it was last seen; Verify and Distrust change the trust.  For the
 * own account the dialog also shows this device's fingerprint, the
 * xmpp: verification link as a QR code Conversations scans (and copies
 * it), and removes devices that are no longer used.
 */
#include "config.h"

#include "natter-devices-dialog.h"

#include <glib/gi18n.h>

#include "natter-toast.h"

#include "natter-qr-code.h"
#include "natter-time-format.h"

struct _NatterDevicesDialog
{
  AdwWindow        parent_instance;

  NatterAccount   *account;
  NatterOmemo     *omemo;
  char            *jid;
  gboolean         own;
  GCancellable    *cancellable;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkWidget       *own_group;
  AdwPreferencesGroup *devices_group;
  GtkLabel        *own_fingerprint_label;
  GtkPicture      *qr_picture;
  GtkWidget       *copy_uri_button;
  GtkListBox      *devices_list;
};

G_DEFINE_FINAL_TYPE (NatterDevicesDialog, natter_devices_dialog, ADW_TYPE_WINDOW)

static void
add_toast (NatterDevicesDialog *self,
           const char          *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, natter_toast_new_for_text (message));
}

static const char *
trust_label (NatterOmemoTrust trust)
{
  switch (trust)
    {
    case NATTER_OMEMO_TRUST_TRUSTED:
      return _("Trusted, not verified");
    case NATTER_OMEMO_TRUST_VERIFIED:
      return _("Verified");
    case NATTER_OMEMO_TRUST_DISTRUSTED:
      return _("Distrusted: its messages are hidden and nothing is encrypted for it");
    case NATTER_OMEMO_TRUST_UNDECIDED:
    default:
      return _("Not trusted yet: nothing is encrypted for it until you decide");
    }
}

/* Four lines of two groups: easy to read aloud, and narrow enough for a
 * phone-sized window. */
static char *
four_lines (const char *fingerprint)
{
  char *text = g_strdup (fingerprint);
  guint spaces = 0;

  for (char *p = text; *p != '\0'; p++)
    if (*p == ' ' && ++spaces % 2 == 0)
      *p = '\n';
  return text;
}

static void
set_trust (NatterDevicesDialog *self,
           GtkWidget           *button,
           NatterOmemoTrust     trust)
{
  NatterOmemoDevice *device = g_object_get_data (G_OBJECT (button), "natter-device");
  g_autoptr(GError) error = NULL;

  if (device == NULL)
    return;
  if (!natter_omemo_set_trust (self->omemo, natter_omemo_device_get_jid (device),
                               natter_omemo_device_get_device_id (device), trust, &error))
    add_toast (self, error->message);
}

static void
verify_clicked_cb (GtkWidget           *button,
                   NatterDevicesDialog *self)
{
  set_trust (self, button, NATTER_OMEMO_TRUST_VERIFIED);
}

static void
distrust_clicked_cb (GtkWidget           *button,
                     NatterDevicesDialog *self)
{
  set_trust (self, button, NATTER_OMEMO_TRUST_DISTRUSTED);
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NatterDevicesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!natter_omemo_remove_own_device_finish (NATTER_OMEMO (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    add_toast (self, error->message);
}

static void
remove_clicked_cb (GtkWidget           *button,
                   NatterDevicesDialog *self)
{
  NatterOmemoDevice *device = g_object_get_data (G_OBJECT (button), "natter-device");

  if (device != NULL)
    natter_omemo_remove_own_device_async (self->omemo, natter_omemo_device_get_device_id (device),
                                          self->cancellable, removed_cb, g_object_ref (self));
}

static GtkWidget *
device_button (NatterDevicesDialog *self,
               NatterOmemoDevice   *device,
               const char          *label,
               const char          *tooltip,
               GCallback            callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data_full (G_OBJECT (button), "natter-device", g_object_ref (device), g_object_unref);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  NatterDevicesDialog *self = user_data;
  NatterOmemoDevice *device = item;
  const char *fingerprint = natter_omemo_device_get_fingerprint (device);
  NatterOmemoTrust trust = natter_omemo_device_get_trust (device);
  gint64 last_seen = natter_omemo_device_get_last_seen (device);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *seen = NULL;
  GtkWidget *row = adw_action_row_new ();

  /* Fingerprints are hex digits and spaces: not markup, but the row
   * title is, so everything shown is escaped anyway. */
  title = g_markup_escape_text (fingerprint != NULL ? fingerprint : _("Key not fetched yet"), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (row, "device-row");

  if (natter_omemo_device_get_own (device))
    subtitle = g_strdup (_("This device"));
  else
    {
      seen = last_seen > 0 ? natter_time_format_relative (last_seen, g_get_real_time ()) : NULL;
      subtitle = seen != NULL
                 /* TRANSLATORS: a device's trust, then when it was last seen, e.g. "5 min" */
                 ? g_strdup_printf (_("%s · last seen %s"), trust_label (trust), seen)
                 : g_strdup (trust_label (trust));
    }
  if (!natter_omemo_device_get_active (device))
    {
      /* TRANSLATORS: a device no longer in the owner's list */
      char *inactive = g_strdup_printf (_("%s · no longer in use"), subtitle);

      g_free (subtitle);
      subtitle = inactive;
    }
  if (natter_omemo_device_get_problem (device) != NULL)
    {
      GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      /* TRANSLATORS: why no session could be built with a device, e.g.
       * "Problem: its bundle shows another identity key than before" */
      char *problem = g_strdup_printf (_("%s\nProblem: %s"), subtitle,
                                       natter_omemo_device_get_problem (device));

      gtk_widget_add_css_class (warning, "warning");
      gtk_widget_set_tooltip_text (warning, natter_omemo_device_get_problem (device));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), warning);
      g_free (subtitle);
      subtitle = problem;
    }
  {
    g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  }

  if (natter_omemo_device_get_own (device))
    return row;
  if (fingerprint != NULL && trust != NATTER_OMEMO_TRUST_VERIFIED)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               device_button (self, device, _("_Verify"),
                                              _("The fingerprint matches what the device shows"),
                                              G_CALLBACK (verify_clicked_cb)));
  if (fingerprint != NULL && trust != NATTER_OMEMO_TRUST_DISTRUSTED)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               device_button (self, device, _("_Distrust"),
                                              _("Hide this device’s messages and encrypt nothing for it"),
                                              G_CALLBACK (distrust_clicked_cb)));
  if (self->own)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               device_button (self, device, _("_Remove"),
                                              _("Take this device out of your account’s device list"),
                                              G_CALLBACK (remove_clicked_cb)));
  return row;
}

static void
bind_devices (NatterDevicesDialog *self)
{
  GListModel *devices = natter_omemo_get_devices (self->omemo, self->jid);

  gtk_list_box_bind_model (self->devices_list, devices, create_row_cb, self, NULL);
}

static void
update_own (NatterDevicesDialog *self)
{
  g_autofree char *fingerprint = NULL;

  if (!self->own)
    return;
  fingerprint = natter_omemo_dup_own_fingerprint (self->omemo);
  gtk_widget_set_visible (self->own_group, fingerprint != NULL);
  if (fingerprint != NULL)
    {
      g_autofree char *text = four_lines (fingerprint);
      g_autofree char *uri = natter_omemo_build_uri (self->omemo);
      g_autoptr(GdkTexture) code = uri != NULL ? natter_qr_code_new (uri, 4, NULL) : NULL;

      gtk_label_set_text (self->own_fingerprint_label, text);
      gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (code));
      gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), code != NULL);
    }
}

/* Rows are rebuilt when a device's trust or key changes. */
static void
devices_changed_cb (NatterDevicesDialog *self,
                    const char          *jid)
{
  if (g_strcmp0 (jid, self->jid) != 0)
    return;
  bind_devices (self);
  update_own (self);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NatterDevicesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The rows follow devices-changed; only a failure needs saying. */
  if (!natter_omemo_fetch_bundles_finish (NATTER_OMEMO (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED))
    add_toast (self, error->message);
}

static void
on_copy_uri_clicked_cb (NatterDevicesDialog *self)
{
  g_autofree char *uri = natter_omemo_build_uri (self->omemo);

  if (uri == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), uri);
  add_toast (self, _("Verification link copied"));
}

static void
natter_devices_dialog_dispose (GObject *object)
{
  NatterDevicesDialog *self = NATTER_DEVICES_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->omemo != NULL)
    g_signal_handlers_disconnect_by_data (self->omemo, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_DEVICES_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->omemo);
  g_clear_object (&self->account);
  g_clear_pointer (&self->jid, g_free);

  G_OBJECT_CLASS (natter_devices_dialog_parent_class)->dispose (object);
}

static void
natter_devices_dialog_class_init (NatterDevicesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_devices_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-devices-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, own_group);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, devices_group);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, own_fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, copy_uri_button);
  gtk_widget_class_bind_template_child (widget_class, NatterDevicesDialog, devices_list);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_uri_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_devices_dialog_init (NatterDevicesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * natter_devices_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @account: the account whose view of the devices to show
 * @jid: a contact's bare JID, or the account's own for its devices
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
GtkWidget *
natter_devices_dialog_new (GtkWindow     *parent,
                           NatterAccount *account,
                           const char    *jid)
{
  NatterDevicesDialog *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  self = g_object_new (NATTER_TYPE_DEVICES_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->account = g_object_ref (account);
  self->omemo = g_object_ref (natter_account_get_omemo (account));
  self->jid = g_strdup (jid);
  self->own = g_strcmp0 (jid, natter_account_get_jid (account)) == 0;
  adw_window_title_set_subtitle (self->window_title, jid);
  g_signal_connect_object (self->omemo, "devices-changed", G_CALLBACK (devices_changed_cb), self,
                           G_CONNECT_SWAPPED);
  bind_devices (self);
  update_own (self);
  /* Devices whose bundle was never needed have no fingerprint yet. */
  natter_omemo_fetch_bundles_async (self->omemo, jid, self->cancellable, fetched_cb,
                                    g_object_ref (self));
  if (self->own)
    {
      adw_preferences_group_set_title (self->devices_group, _("Your Devices"));
      /* Not the selectable fingerprint, which would select itself. */
      gtk_window_set_focus (GTK_WINDOW (self), self->copy_uri_button);
    }
  return GTK_WIDGET (self);
}

/**
 * natter_devices_dialog_get_jid:
 * @self: the dialog
 *
 * Returns: whose devices the dialog shows
 */
const char *
natter_devices_dialog_get_jid (NatterDevicesDialog *self)
{
  g_return_val_if_fail (NATTER_IS_DEVICES_DIALOG (self), NULL);

  return self->jid;
}
