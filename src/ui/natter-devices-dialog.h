/* natter-devices-dialog.h: the OMEMO devices of a contact or of an account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_DEVICES_DIALOG (natter_devices_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NatterDevicesDialog, natter_devices_dialog, NATTER, DEVICES_DIALOG, AdwWindow)

GtkWidget  *natter_devices_dialog_new      (GtkWindow     *parent,
                                            NatterAccount *account,
                                            const char    *jid);
const char *natter_devices_dialog_get_jid  (NatterDevicesDialog *self);

G_END_DECLS
