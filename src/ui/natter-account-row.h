/* natter-account-row.h: one account in the preferences
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_ACCOUNT_ROW (natter_account_row_get_type ())

G_DECLARE_FINAL_TYPE (NatterAccountRow, natter_account_row, NATTER, ACCOUNT_ROW, AdwActionRow)

GtkWidget     *natter_account_row_new         (NatterAccount    *account) G_GNUC_WARN_UNUSED_RESULT;
NatterAccount *natter_account_row_get_account (NatterAccountRow *self);

G_END_DECLS
