/* natter-contact-row.h: one contact in the sidebar
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CONTACT_ROW (natter_contact_row_get_type ())

G_DECLARE_FINAL_TYPE (NatterContactRow, natter_contact_row, NATTER, CONTACT_ROW, AdwBin)

GtkWidget     *natter_contact_row_new              (void) G_GNUC_WARN_UNUSED_RESULT;
NatterContact *natter_contact_row_get_contact      (NatterContactRow *self);
void           natter_contact_row_set_contact      (NatterContactRow *self,
                                                    NatterContact    *contact);
gboolean       natter_contact_row_get_show_account (NatterContactRow *self);
void           natter_contact_row_set_show_account (NatterContactRow *self,
                                                    gboolean          show_account);

G_END_DECLS
