/* natter-add-account-dialog.h: sign in with an existing account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_ADD_ACCOUNT_DIALOG (natter_add_account_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NatterAddAccountDialog, natter_add_account_dialog, NATTER, ADD_ACCOUNT_DIALOG, AdwWindow)

GtkWidget     *natter_add_account_dialog_new               (GtkWindow              *parent,
                                                            NatterAccountList      *accounts) G_GNUC_WARN_UNUSED_RESULT;
const char    *natter_add_account_dialog_get_address_error (NatterAddAccountDialog *self);
const char    *natter_add_account_dialog_get_error         (NatterAddAccountDialog *self);
gboolean       natter_add_account_dialog_get_busy          (NatterAddAccountDialog *self);
NatterAccount *natter_add_account_dialog_get_account       (NatterAddAccountDialog *self);

G_END_DECLS
