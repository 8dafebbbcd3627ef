/* natter-application.h: the application object
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

#include "natter-notifier.h"

G_BEGIN_DECLS

#define NATTER_TYPE_APPLICATION (natter_application_get_type ())

G_DECLARE_FINAL_TYPE (NatterApplication, natter_application, NATTER, APPLICATION, AdwApplication)

NatterApplication      *natter_application_new               (void) G_GNUC_WARN_UNUSED_RESULT;
NatterAccountList      *natter_application_get_accounts      (NatterApplication *self);
NatterConversationList *natter_application_get_conversations (NatterApplication *self);
const GError           *natter_application_get_error         (NatterApplication *self);
GtkWindow              *natter_application_get_main_window   (NatterApplication *self);
NatterNotifier         *natter_application_get_notifier      (NatterApplication *self);

G_END_DECLS
