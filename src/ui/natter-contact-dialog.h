/* natter-contact-dialog.h: a contact's details
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

#include "natter-window.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CONTACT_DIALOG (natter_contact_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NatterContactDialog, natter_contact_dialog, NATTER, CONTACT_DIALOG, AdwWindow)

GtkWidget     *natter_contact_dialog_new         (NatterWindow        *window,
                                                  NatterContact       *contact) G_GNUC_WARN_UNUSED_RESULT;
NatterContact *natter_contact_dialog_get_contact (NatterContactDialog *self);

G_END_DECLS
