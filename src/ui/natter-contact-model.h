/* natter-contact-model.h: the contacts of every account, for the sidebar
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CONTACT_MODEL (natter_contact_model_get_type ())

G_DECLARE_FINAL_TYPE (NatterContactModel, natter_contact_model, NATTER, CONTACT_MODEL, GObject)

NatterContactModel *natter_contact_model_new                   (NatterAccountList  *accounts) G_GNUC_WARN_UNUSED_RESULT;
NatterAccountList  *natter_contact_model_get_accounts          (NatterContactModel *self);
const char         *natter_contact_model_get_search            (NatterContactModel *self);
void                natter_contact_model_set_search            (NatterContactModel *self,
                                                                const char         *search);
guint               natter_contact_model_get_n_contacts        (NatterContactModel *self);
gboolean            natter_contact_model_get_multiple_accounts (NatterContactModel *self);

G_END_DECLS
