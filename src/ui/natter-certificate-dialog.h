/* natter-certificate-dialog.h: a server certificate that is not trusted
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NATTER_TYPE_CERTIFICATE_DIALOG (natter_certificate_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NatterCertificateDialog, natter_certificate_dialog, NATTER, CERTIFICATE_DIALOG, AdwWindow)

GtkWidget       *natter_certificate_dialog_new             (GtkWindow               *parent,
                                                            const char              *server,
                                                            GTlsCertificate         *certificate,
                                                            const char              *reason) G_GNUC_WARN_UNUSED_RESULT;
GTlsCertificate *natter_certificate_dialog_get_certificate (NatterCertificateDialog *self);
const char      *natter_certificate_dialog_get_fingerprint (NatterCertificateDialog *self);
char            *natter_certificate_format_fingerprint     (const char              *hex) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
