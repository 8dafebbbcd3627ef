/* natter-notifier.h: desktop notifications for messages not seen
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_NOTIFIER (natter_notifier_get_type ())

G_DECLARE_FINAL_TYPE (NatterNotifier, natter_notifier, NATTER, NOTIFIER, GObject)

NatterNotifier *natter_notifier_new      (GApplication           *application,
                                          NatterConversationList *conversations,
                                          NatterAccountList      *accounts) G_GNUC_WARN_UNUSED_RESULT;
gboolean        natter_notifier_lookup   (NatterNotifier         *self,
                                          NatterConversation     *conversation,
                                          const char            **title,
                                          const char            **body);
char           *natter_notifier_dup_id   (NatterConversation     *conversation) G_GNUC_WARN_UNUSED_RESULT;
void            natter_notifier_withdraw_all (NatterNotifier     *self);

G_END_DECLS
