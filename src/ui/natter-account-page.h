/* natter-account-page.h: one account's settings, a page of the preferences
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_ACCOUNT_PAGE (natter_account_page_get_type ())

G_DECLARE_FINAL_TYPE (NatterAccountPage, natter_account_page, NATTER, ACCOUNT_PAGE, AdwBin)

GtkWidget     *natter_account_page_new         (NatterAccount     *account) G_GNUC_WARN_UNUSED_RESULT;
NatterAccount *natter_account_page_get_account (NatterAccountPage *self);
const char    *natter_account_page_get_error   (NatterAccountPage *self);

G_END_DECLS
