/* xmpp-disco.h: XEP-0030 Service Discovery 2.5rc3, with XEP-0128 1.0 extended information
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define XMPP_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define XMPP_NS_DATA_FORMS "jabber:x:data"

/**
 * XmppDiscoIdentity:
 * @category: the identity's category, e.g. `"client"`
 * @type: its type within the category, e.g. `"pc"`
 * @name: (nullable): a human-readable name
 * @lang: (nullable): the language of @name (`xml:lang`)
 *
 * One `<identity/>` of a disco#info answer.  Empty names and languages are
 * stored as %NULL.
 */
typedef struct
{
  char *category;
  char *type;
  char *name;
  char *lang;
} XmppDiscoIdentity;

/**
 * XmppDiscoField:
 * @var: the field's name
 * @values: (array zero-terminated=1): its values, in document order
 *
 * One field of an extended information form.
 */
typedef struct
{
  char  *var;
  char **values;
} XmppDiscoField;

/**
 * XmppDiscoForm:
 * @form_type: the value of the form's hidden `FORM_TYPE` field
 * @fields: (array length=n_fields): its other fields, sorted by @var
 * @n_fields: the number of @fields
 *
 * An extended information form (XEP-0128) of a disco#info answer.
 */
typedef struct
{
  char           *form_type;
  XmppDiscoField *fields;
  guint           n_fields;
} XmppDiscoForm;

/**
 * XmppDiscoItem:
 * @jid: the item's address
 * @node: (nullable): the item's node
 * @name: (nullable): a human-readable name
 *
 * One `<item/>` of a disco#items answer.
 */
typedef struct
{
  XmppJid *jid;
  char    *node;
  char    *name;
} XmppDiscoItem;

typedef struct _XmppDiscoInfo XmppDiscoInfo;

#define XMPP_TYPE_DISCO_INFO (xmpp_disco_info_get_type ())
#define XMPP_TYPE_DISCO_ITEM (xmpp_disco_item_get_type ())
#define XMPP_TYPE_DISCO (xmpp_disco_get_type ())

G_DECLARE_FINAL_TYPE (XmppDisco, xmpp_disco, XMPP, DISCO, GObject)

GType                    xmpp_disco_info_get_type        (void) G_GNUC_CONST;
G_GNUC_WARN_UNUSED_RESULT
XmppDiscoInfo           *xmpp_disco_info_new             (const XmppDiscoIdentity *identities,
                                                          guint                    n_identities,
                                                          const char * const      *features);
G_GNUC_WARN_UNUSED_RESULT
XmppDiscoInfo           *xmpp_disco_info_new_from_query  (XmppNode                *query,
                                                          GError                 **error);
XmppDiscoInfo           *xmpp_disco_info_ref             (XmppDiscoInfo           *info);
void                     xmpp_disco_info_unref           (XmppDiscoInfo           *info);
const XmppDiscoIdentity *xmpp_disco_info_get_identities  (XmppDiscoInfo           *info,
                                                          guint                   *n_identities);
const char * const      *xmpp_disco_info_get_features    (XmppDiscoInfo           *info);
const XmppDiscoForm     *xmpp_disco_info_get_forms       (XmppDiscoInfo           *info,
                                                          guint                   *n_forms);
gboolean                 xmpp_disco_info_has_identity    (XmppDiscoInfo           *info,
                                                          const char              *category,
                                                          const char              *type);
gboolean                 xmpp_disco_info_has_feature     (XmppDiscoInfo           *info,
                                                          const char              *var);
const char * const      *xmpp_disco_info_get_form_values (XmppDiscoInfo           *info,
                                                          const char              *form_type,
                                                          const char              *var);
G_GNUC_WARN_UNUSED_RESULT
XmppNode                *xmpp_disco_info_to_query        (XmppDiscoInfo           *info,
                                                          const char              *node);
gboolean                 xmpp_disco_info_equal           (XmppDiscoInfo           *a,
                                                          XmppDiscoInfo           *b);

GType                    xmpp_disco_item_get_type        (void) G_GNUC_CONST;
G_GNUC_WARN_UNUSED_RESULT
XmppDiscoItem           *xmpp_disco_item_copy            (const XmppDiscoItem     *item);
void                     xmpp_disco_item_free            (XmppDiscoItem           *item);

G_GNUC_WARN_UNUSED_RESULT
XmppDisco               *xmpp_disco_new                  (XmppClient              *client);
XmppClient              *xmpp_disco_get_client           (XmppDisco               *self);
G_GNUC_WARN_UNUSED_RESULT
XmppDiscoInfo           *xmpp_disco_dup_own_info         (XmppDisco               *self);
void                     xmpp_disco_info_async           (XmppDisco               *self,
                                                          XmppJid                 *jid,
                                                          const char              *node,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
G_GNUC_WARN_UNUSED_RESULT
XmppDiscoInfo           *xmpp_disco_info_finish          (XmppDisco               *self,
                                                          GAsyncResult            *result,
                                                          GError                 **error);
void                     xmpp_disco_items_async          (XmppDisco               *self,
                                                          XmppJid                 *jid,
                                                          const char              *node,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
G_GNUC_WARN_UNUSED_RESULT
GPtrArray               *xmpp_disco_items_finish         (XmppDisco               *self,
                                                          GAsyncResult            *result,
                                                          GError                 **error);
XmppDiscoInfo           *xmpp_disco_get_server_info      (XmppDisco               *self);
gboolean                 xmpp_disco_server_has_feature   (XmppDisco               *self,
                                                          const char              *var);
XmppDiscoInfo           *xmpp_disco_get_account_info     (XmppDisco               *self);
gboolean                 xmpp_disco_account_has_feature  (XmppDisco               *self,
                                                          const char              *var);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppDiscoInfo, xmpp_disco_info_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppDiscoItem, xmpp_disco_item_free)

G_END_DECLS
