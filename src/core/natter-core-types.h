/* natter-core-types.h: forward declarations and shared enumerations of the application model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _NatterAccount NatterAccount;
typedef struct _NatterAccountList NatterAccountList;
typedef struct _NatterContact NatterContact;
typedef struct _NatterResource NatterResource;
typedef struct _NatterRoster NatterRoster;

/**
 * NatterPresenceShow:
 * @NATTER_PRESENCE_SHOW_OFFLINE: not available: for a contact, no resource
 *   is online; for the own presence, the account stays disconnected
 * @NATTER_PRESENCE_SHOW_AVAILABLE: online
 * @NATTER_PRESENCE_SHOW_CHAT: free to chat
 * @NATTER_PRESENCE_SHOW_AWAY: away for a short while
 * @NATTER_PRESENCE_SHOW_XA: away for a long while
 * @NATTER_PRESENCE_SHOW_DND: do not disturb
 *
 * How available someone is: a contact (the best of its resources), one
 * resource, or ourselves.
 */
typedef enum {
  NATTER_PRESENCE_SHOW_OFFLINE,
  NATTER_PRESENCE_SHOW_AVAILABLE,
  NATTER_PRESENCE_SHOW_CHAT,
  NATTER_PRESENCE_SHOW_AWAY,
  NATTER_PRESENCE_SHOW_XA,
  NATTER_PRESENCE_SHOW_DND,
} NatterPresenceShow;

/**
 * NatterSubscription:
 * @NATTER_SUBSCRIPTION_NONE: neither side sees the other's presence
 * @NATTER_SUBSCRIPTION_TO: we see the contact's presence
 * @NATTER_SUBSCRIPTION_FROM: the contact sees ours
 * @NATTER_SUBSCRIPTION_BOTH: both see each other's presence
 *
 * The presence subscription between the account and a contact
 * (RFC 6121 §2.1.2.5).
 */
typedef enum {
  NATTER_SUBSCRIPTION_NONE,
  NATTER_SUBSCRIPTION_TO,
  NATTER_SUBSCRIPTION_FROM,
  NATTER_SUBSCRIPTION_BOTH,
} NatterSubscription;

G_END_DECLS
