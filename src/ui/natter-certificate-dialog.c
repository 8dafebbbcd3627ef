/* natter-certificate-dialog.c: a server certificate that is not trusted
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows who the certificate names, who issued it, how long it is valid and
 * its SHA-256 fingerprint, so the user can compare it with what the
 * server's administrator published.  Everything here comes from the
 * server, so it goes into plain labels.  "Trust This Certificate" emits
 * ::trusted; whoever opened the dialog pins the certificate.
 */
#include "config.h"

#include "natter-certificate-dialog.h"

#include <glib/gi18n.h>

struct _NatterCertificateDialog
{
  AdwWindow        parent_instance;

  GTlsCertificate *certificate;
  char            *fingerprint;   /* 64 lowercase hex digits */

  GtkLabel        *heading_label;
  GtkLabel        *reason_label;
  AdwActionRow    *subject_row;
  AdwActionRow    *issuer_row;
  AdwActionRow    *valid_from_row;
  AdwActionRow    *valid_until_row;
  GtkLabel        *fingerprint_label;
};

G_DEFINE_FINAL_TYPE (NatterCertificateDialog, natter_certificate_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_TRUSTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * natter_certificate_format_fingerprint:
 * @hex: a fingerprint as hexadecimal digits
 *
 * Returns: (transfer full): @hex in uppercase pairs separated by colons,
 *   eight pairs to a line
 */
char *
natter_certificate_format_fingerprint (const char *hex)
{
  GString *formatted = g_string_new (NULL);
  gsize length;

  g_return_val_if_fail (hex != NULL, NULL);

  length = strlen (hex);
  for (gsize i = 0; i + 1 < length; i += 2)
    {
      if (i > 0)
        g_string_append_c (formatted, i % 16 == 0 ? '\n' : ':');
      g_string_append_c (formatted, g_ascii_toupper (hex[i]));
      g_string_append_c (formatted, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (formatted, FALSE);
}

static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return g_strdup (_("Unknown"));
  local = g_date_time_to_local (date);
  /* TRANSLATORS: a date and time in g_date_time_format() notation */
  return g_date_time_format (local, _("%e %B %Y, %H:%M"));
}

static void
trust_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  NatterCertificateDialog *self = NATTER_CERTIFICATE_DIALOG (widget);

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_TRUSTED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
copy_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NatterCertificateDialog *self = NATTER_CERTIFICATE_DIALOG (widget);
  g_autofree char *formatted = natter_certificate_format_fingerprint (self->fingerprint);

  g_strdelimit (formatted, "\n", ':');
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), formatted);
}

static void
natter_certificate_dialog_dispose (GObject *object)
{
  NatterCertificateDialog *self = NATTER_CERTIFICATE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_CERTIFICATE_DIALOG);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (natter_certificate_dialog_parent_class)->dispose (object);
}

static void
natter_certificate_dialog_finalize (GObject *object)
{
  NatterCertificateDialog *self = NATTER_CERTIFICATE_DIALOG (object);

  g_free (self->fingerprint);

  G_OBJECT_CLASS (natter_certificate_dialog_parent_class)->finalize (object);
}

static void
natter_certificate_dialog_class_init (NatterCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_certificate_dialog_dispose;
  object_class->finalize = natter_certificate_dialog_finalize;

  /**
   * NatterCertificateDialog::trusted:
   * @self: the dialog
   *
   * The user chose to trust the certificate.
   */
  signals[SIGNAL_TRUSTED] =
    g_signal_new ("trusted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-certificate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, subject_row);
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, valid_from_row);
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, valid_until_row);
  gtk_widget_class_bind_template_child (widget_class, NatterCertificateDialog, fingerprint_label);

  gtk_widget_class_install_action (widget_class, "certificate.trust", NULL, trust_activated_cb);
  gtk_widget_class_install_action (widget_class, "certificate.copy", NULL, copy_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_certificate_dialog_init (NatterCertificateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * natter_certificate_dialog_new:
 * @parent: the window the dialog belongs to
 * @server: the server whose certificate it is, e.g. the account's domain
 * @certificate: the certificate
 * @reason: (nullable): why it is not trusted, as the account's error says
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
GtkWidget *
natter_certificate_dialog_new (GtkWindow       *parent,
                               const char      *server,
                               GTlsCertificate *certificate,
                               const char      *reason)
{
  NatterCertificateDialog *self;
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *formatted = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (NATTER_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->certificate = g_object_ref (certificate);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der != NULL)
    self->fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  else
    self->fingerprint = g_strdup ("");

  /* TRANSLATORS: %s is a server's domain, e.g. example.org */
  heading = g_strdup_printf (_("Natter cannot verify that this is “%s”"), server);
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->reason_label,
                      reason != NULL ? reason
                                     : _("The certificate is not signed by an authority this "
                                         "computer trusts, or it is not valid for this server."));

  subject = g_tls_certificate_get_subject_name (certificate);
  issuer = g_tls_certificate_get_issuer_name (certificate);
  not_before = g_tls_certificate_get_not_valid_before (certificate);
  not_after = g_tls_certificate_get_not_valid_after (certificate);
  from = format_date (not_before);
  until = format_date (not_after);
  adw_action_row_set_subtitle (self->subject_row, subject != NULL ? subject : _("Unknown"));
  adw_action_row_set_subtitle (self->issuer_row, issuer != NULL ? issuer : _("Unknown"));
  adw_action_row_set_subtitle (self->valid_from_row, from);
  adw_action_row_set_subtitle (self->valid_until_row, until);

  formatted = natter_certificate_format_fingerprint (self->fingerprint);
  gtk_label_set_text (self->fingerprint_label, formatted);

  return GTK_WIDGET (self);
}

/**
 * natter_certificate_dialog_get_certificate:
 * @self: a certificate dialog
 *
 * Returns: (transfer none): the certificate shown
 */
GTlsCertificate *
natter_certificate_dialog_get_certificate (NatterCertificateDialog *self)
{
  g_return_val_if_fail (NATTER_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->certificate;
}

/**
 * natter_certificate_dialog_get_fingerprint:
 * @self: a certificate dialog
 *
 * Returns: the SHA-256 fingerprint shown, as 64 lowercase hex digits
 */
const char *
natter_certificate_dialog_get_fingerprint (NatterCertificateDialog *self)
{
  g_return_val_if_fail (NATTER_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->fingerprint;
}
