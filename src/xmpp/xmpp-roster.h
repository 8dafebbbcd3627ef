/* xmpp-roster.h: the contact list and its versioning (RFC 6121, March 2011, §2)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-jid.h"

G_BEGIN_DECLS

/**
 * XMPP_NS_ROSTER:
 *
 * The namespace of roster queries, results and pushes (RFC 6121 §2.1).
 */
#define XMPP_NS_ROSTER "jabber:iq:roster"

/**
 * XMPP_NS_ROSTER_VER:
 *
 * The namespace of the `<ver/>` stream feature a server announces when it
 * supports roster versioning (RFC 6121 §2.6.1).
 */
#define XMPP_NS_ROSTER_VER "urn:xmpp:features:rosterver"

/**
 * XmppRosterSubscription:
 * @XMPP_ROSTER_SUBSCRIPTION_NONE: neither side receives the other's presence
 * @XMPP_ROSTER_SUBSCRIPTION_TO: we receive the contact's presence
 * @XMPP_ROSTER_SUBSCRIPTION_FROM: the contact receives ours
 * @XMPP_ROSTER_SUBSCRIPTION_BOTH: both directions
 * @XMPP_ROSTER_SUBSCRIPTION_REMOVE: the item is gone; only seen in roster
 *   pushes and sets, never in an item the roster keeps
 *
 * The `subscription` attribute of a roster item (RFC 6121 §2.1.2.5).
 */
typedef enum {
  XMPP_ROSTER_SUBSCRIPTION_NONE,
  XMPP_ROSTER_SUBSCRIPTION_TO,
  XMPP_ROSTER_SUBSCRIPTION_FROM,
  XMPP_ROSTER_SUBSCRIPTION_BOTH,
  XMPP_ROSTER_SUBSCRIPTION_REMOVE,
} XmppRosterSubscription;

#define XMPP_TYPE_ROSTER_ITEM (xmpp_roster_item_get_type ())

typedef struct _XmppRosterItem XmppRosterItem;

GType                   xmpp_roster_item_get_type          (void) G_GNUC_CONST;

XmppRosterItem         *xmpp_roster_item_new               (XmppJid                *jid,
                                                            const char             *name,
                                                            XmppRosterSubscription  subscription,
                                                            gboolean                ask,
                                                            gboolean                approved,
                                                            const char * const     *groups)
                        G_GNUC_WARN_UNUSED_RESULT;
XmppRosterItem         *xmpp_roster_item_ref               (XmppRosterItem         *self);
void                    xmpp_roster_item_unref             (XmppRosterItem         *self);

XmppJid                *xmpp_roster_item_get_jid           (XmppRosterItem         *self);
const char             *xmpp_roster_item_get_name          (XmppRosterItem         *self);
XmppRosterSubscription  xmpp_roster_item_get_subscription  (XmppRosterItem         *self);
gboolean                xmpp_roster_item_get_ask           (XmppRosterItem         *self);
gboolean                xmpp_roster_item_get_approved      (XmppRosterItem         *self);
const char * const     *xmpp_roster_item_get_groups        (XmppRosterItem         *self);
gboolean                xmpp_roster_item_has_group         (XmppRosterItem         *self,
                                                            const char             *group);
gboolean                xmpp_roster_item_equal             (XmppRosterItem         *a,
                                                            XmppRosterItem         *b);

const char             *xmpp_roster_subscription_to_string (XmppRosterSubscription  subscription);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppRosterItem, xmpp_roster_item_unref)

#define XMPP_TYPE_ROSTER (xmpp_roster_get_type ())

G_DECLARE_FINAL_TYPE (XmppRoster, xmpp_roster, XMPP, ROSTER, GObject)

XmppRoster             *xmpp_roster_new                    (XmppClient             *client)
                        G_GNUC_WARN_UNUSED_RESULT;
XmppClient             *xmpp_roster_get_client             (XmppRoster             *self);
const char             *xmpp_roster_get_version            (XmppRoster             *self);
void                    xmpp_roster_set_cached             (XmppRoster             *self,
                                                            const char             *version,
                                                            GPtrArray              *items);
GHashTable             *xmpp_roster_get_items              (XmppRoster             *self);
GPtrArray              *xmpp_roster_dup_items              (XmppRoster             *self)
                        G_GNUC_WARN_UNUSED_RESULT;
XmppRosterItem         *xmpp_roster_lookup                 (XmppRoster             *self,
                                                            XmppJid                *jid);

void                    xmpp_roster_fetch_async            (XmppRoster             *self,
                                                            GCancellable           *cancellable,
                                                            GAsyncReadyCallback     callback,
                                                            gpointer                user_data);
gboolean                xmpp_roster_fetch_finish           (XmppRoster             *self,
                                                            GAsyncResult           *result,
                                                            GError                **error);
void                    xmpp_roster_set_item_async         (XmppRoster             *self,
                                                            XmppJid                *jid,
                                                            const char             *name,
                                                            const char * const     *groups,
                                                            GCancellable           *cancellable,
                                                            GAsyncReadyCallback     callback,
                                                            gpointer                user_data);
gboolean                xmpp_roster_set_item_finish        (XmppRoster             *self,
                                                            GAsyncResult           *result,
                                                            GError                **error);
void                    xmpp_roster_remove_item_async      (XmppRoster             *self,
                                                            XmppJid                *jid,
                                                            GCancellable           *cancellable,
                                                            GAsyncReadyCallback     callback,
                                                            gpointer                user_data);
gboolean                xmpp_roster_remove_item_finish     (XmppRoster             *self,
                                                            GAsyncResult           *result,
                                                            GError                **error);

G_END_DECLS
