/* xmpp-pep.h: XEP-0163 Personal Eventing Protocol 1.2.2 on XEP-0060 Publish-Subscribe 1.26
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define XMPP_NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define XMPP_NS_PUBSUB_OWNER "http://jabber.org/protocol/pubsub#owner"
#define XMPP_NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"
#define XMPP_NS_PUBSUB_PUBLISH_OPTIONS "http://jabber.org/protocol/pubsub#publish-options"
#define XMPP_NS_PUBSUB_NODE_CONFIG "http://jabber.org/protocol/pubsub#node_config"

/**
 * XMPP_PEP_MAX_ITEMS:
 *
 * The most items (and retractions) one answer or one event may carry;
 * more make the whole answer an error and the whole event dropped.  It is
 * Prosody's default `pep_max_items`, and fetches ask for no more.
 */
#define XMPP_PEP_MAX_ITEMS 256

/**
 * XMPP_PEP_MAX_NAME_BYTES:
 *
 * The longest node name or item id accepted, in bytes.
 */
#define XMPP_PEP_MAX_NAME_BYTES 1024

/**
 * XmppPepItem:
 * @id: the item's id
 * @payload: its one payload element
 *
 * One item of a PEP node, as fetched or as announced in an event.
 */
typedef struct
{
  char     *id;
  XmppNode *payload;
} XmppPepItem;

#define XMPP_TYPE_PEP_ITEM (xmpp_pep_item_get_type ())
#define XMPP_TYPE_PEP (xmpp_pep_get_type ())

G_DECLARE_FINAL_TYPE (XmppPep, xmpp_pep, XMPP, PEP, GObject)

GType        xmpp_pep_item_get_type      (void) G_GNUC_CONST;
XmppPepItem *xmpp_pep_item_new           (const char           *id,
                                          XmppNode             *payload) G_GNUC_WARN_UNUSED_RESULT;
XmppPepItem *xmpp_pep_item_copy          (const XmppPepItem    *item) G_GNUC_WARN_UNUSED_RESULT;
void         xmpp_pep_item_free          (XmppPepItem          *item);

gboolean     xmpp_pep_node_is_valid      (const char           *node);

XmppPep     *xmpp_pep_new                (XmppClient           *client) G_GNUC_WARN_UNUSED_RESULT;
XmppClient  *xmpp_pep_get_client         (XmppPep              *self);
gboolean     xmpp_pep_subscribe_notify   (XmppPep              *self,
                                          const char           *node);

void         xmpp_pep_publish_async      (XmppPep              *self,
                                          const char           *node,
                                          const char           *item_id,
                                          XmppNode             *payload,
                                          const char           *access_model,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean     xmpp_pep_publish_finish     (XmppPep              *self,
                                          GAsyncResult         *result,
                                          char                **item_id,
                                          GError              **error);
void         xmpp_pep_fetch_async        (XmppPep              *self,
                                          XmppJid              *owner,
                                          const char           *node,
                                          const char           *item_id,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GPtrArray   *xmpp_pep_fetch_finish       (XmppPep              *self,
                                          GAsyncResult         *result,
                                          GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         xmpp_pep_retract_async      (XmppPep              *self,
                                          const char           *node,
                                          const char           *item_id,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean     xmpp_pep_retract_finish     (XmppPep              *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void         xmpp_pep_delete_node_async  (XmppPep              *self,
                                          const char           *node,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean     xmpp_pep_delete_node_finish (XmppPep              *self,
                                          GAsyncResult         *result,
                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppPepItem, xmpp_pep_item_free)

G_END_DECLS
