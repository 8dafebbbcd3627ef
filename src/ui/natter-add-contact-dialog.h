/* natter-add-contact-dialog.h: add someone to an account's contacts
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_ADD_CONTACT_DIALOG (natter_add_contact_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NatterAddContactDialog, natter_add_contact_dialog, NATTER, ADD_CONTACT_DIALOG, AdwWindow)

GtkWidget  *natter_add_contact_dialog_new               (GtkWindow              *parent,
                                                         NatterAccountList      *accounts) G_GNUC_WARN_UNUSED_RESULT;
const char *natter_add_contact_dialog_get_address_error (NatterAddContactDialog *self);
const char *natter_add_contact_dialog_get_error         (NatterAddContactDialog *self);
gboolean    natter_add_contact_dialog_get_busy          (NatterAddContactDialog *self);
void        natter_add_contact_dialog_set_account       (NatterAddContactDialog *self,
                                                         NatterAccount          *account);
void        natter_add_contact_dialog_set_address       (NatterAddContactDialog *self,
                                                         const char             *address,
                                                         const char             *name);

G_END_DECLS
