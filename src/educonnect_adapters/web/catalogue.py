"""Every user-facing text of the web module, French first, then English.

Templates call ``t("key")``; labels of the domain's values go through
:func:`label`. A missing key is a bug: :func:`text` raises ``KeyError``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final

from educonnect_core.actions import Action
from educonnect_core.blockers import FixLocation
from educonnect_core.people import Profile, ResponsibilityLevel
from educonnect_core.permissions import Role
from educonnect_core.routes import Route
from educonnect_core.states import AccountState

__all__ = ["LANGS", "MESSAGES", "label", "text"]

LANGS: Final = ("fr", "en")

MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    # frame
    "app.title": ("Administration EduConnect", "EduConnect administration"),
    "nav.dashboard": ("Tableau de bord", "Dashboard"),
    "nav.accounts": ("Comptes", "Accounts"),
    "nav.notify": ("Notifier une classe", "Notify a class"),
    "nav.signout": ("Se déconnecter", "Sign out"),
    "nav.main": ("Navigation principale", "Main navigation"),
    "nav.skip": ("Aller au contenu", "Skip to content"),
    "nav.lang": ("English", "Français"),
    "who.signed_in": ("Connecté·e", "Signed in"),
    "who.access": ("Accès", "Access"),
    "access.otp": ("clé OTP", "OTP key"),
    "access.administrative_network": ("réseau administratif", "administrative network"),
    "access.none": ("aucun", "none"),
    # sign-in
    "signin.title": ("Connexion", "Sign in"),
    "signin.user": ("Identifiant", "User id"),
    "signin.password": ("Mot de passe", "Password"),
    "signin.code": ("Code OTP (6 chiffres)", "OTP code (6 digits)"),
    "signin.code_hint": (
        "Le code de votre application d'authentification. Facultatif depuis le réseau "
        "administratif de l'établissement.",
        "The code of your authenticator app. Optional from the school's administrative network.",
    ),
    "signin.submit": ("Se connecter", "Sign in"),
    "signin.refused": (
        "Identifiant, mot de passe ou code incorrect.",
        "Wrong user id, password or code.",
    ),
    "signin.code_required": (
        "Hors du réseau administratif, le code OTP est obligatoire.",
        "Outside the administrative network, the OTP code is required.",
    ),
    "signin.locked": (
        "Trop de tentatives : réessayez dans {seconds} secondes.",
        "Too many attempts: try again in {seconds} seconds.",
    ),
    "signin.needs_settings": (
        "Aucun compte de personnel n'est configuré.",
        "No staff account is configured.",
    ),
    "signin.by_proxy": (
        "La connexion se fait par le portail de votre académie.",
        "You sign in through your académie's portal.",
    ),
    "signin.expired": (
        "Votre session a expiré : connectez-vous à nouveau.",
        "Your session expired: sign in again.",
    ),
    "signout.done": ("Vous êtes déconnecté·e.", "You are signed out."),
    # errors
    "error.not_found.title": ("Page introuvable", "Page not found"),
    "error.not_found": (
        "Cette page n'existe pas, ou vous n'y avez pas accès.",
        "This page does not exist, or you have no access to it.",
    ),
    "error.forbidden.title": ("Accès refusé", "Access denied"),
    "error.forbidden": (
        "L'accès demande une authentification par clé OTP ou une connexion depuis le réseau "
        "administratif de l'établissement.",
        "Access needs an OTP key authentication or a connection from the school's "
        "administrative network.",
    ),
    "error.delegation.title": ("Délégation absente", "No delegation"),
    "error.delegation": (
        "Vous n'avez pas de délégation DELEG-CE en vigueur dans cet établissement : "
        "demandez-la au chef d'établissement.",
        "You hold no DELEG-CE delegation in force at this school: ask the head of school.",
    ),
    "error.unauthenticated.title": ("Non connecté·e", "Not signed in"),
    "error.csrf.title": ("Requête refusée", "Request refused"),
    "error.csrf": (
        "Le formulaire a expiré ou ne vient pas de cette page : rechargez-la et recommencez.",
        "The form expired or did not come from this page: reload it and try again.",
    ),
    "error.action.title": ("Action non autorisée", "Action not allowed"),
    "error.action": (
        "Votre rôle, ou votre délégation, ne couvre pas cette action sur ce compte.",
        "Your role, or your delegation, does not cover this action on this account.",
    ),
    "error.network.title": ("Réseau administratif requis", "Administrative network required"),
    "error.network": (
        "Les comptes responsables se gèrent depuis le réseau administratif de "
        "l'établissement uniquement.",
        "Parent accounts are managed from the school's administrative network only.",
    ),
    "error.letters.title": ("Courriers impossibles", "Letters unavailable"),
    "error.letters": (
        "Les courriers ne peuvent pas être produits sur ce serveur (canal papier "
        "indisponible) : rien n'a été émis.",
        "Letters cannot be printed on this server (paper channel unavailable): nothing was issued.",
    ),
    "error.back": ("Retour au tableau de bord", "Back to the dashboard"),
    # dashboard
    "dashboard.title": ("Tableau de bord", "Dashboard"),
    "dashboard.school": ("Établissement", "School"),
    "dashboard.year": ("année scolaire", "school year"),
    "dashboard.total": ("Comptes", "Accounts"),
    "dashboard.by_profile": ("Comptes par profil et état", "Accounts by profile and state"),
    "dashboard.classes": ("Taux d'activation par classe", "Activation rate by class"),
    "dashboard.routes": ("Comptes activés par parcours", "Activated accounts by route"),
    "dashboard.blockers": (
        "Blocages par code (comptes concernés)",
        "Blockers by code (accounts concerned)",
    ),
    "dashboard.no_blockers": ("Aucun blocage à corriger.", "No blocker to fix."),
    "dashboard.blocked": (
        "Comptes à activer sans aucun parcours ouvert",
        "Accounts to activate with no open route",
    ),
    "dashboard.persons": ("Personnes", "Persons"),
    "dashboard.persons_active": ("actives", "active"),
    "dashboard.persons_grouped": (
        "présentes dans plusieurs établissements",
        "at several schools",
    ),
    "dashboard.exports": ("Exports appliqués", "Applied exports"),
    "dashboard.no_exports": ("Aucune synchronisation encore.", "No synchronisation yet."),
    "dashboard.no_data": (
        "Aucun export de cet établissement n'a encore été importé.",
        "No export of this school has been imported yet.",
    ),
    "dashboard.exported_at": ("export du", "exported"),
    "dashboard.effective": ("effectif le", "effective"),
    "dashboard.changes": ("changements", "changes"),
    "dashboard.see_accounts": ("voir les comptes", "see the accounts"),
    "col.profile": ("profil", "profile"),
    "col.class": ("classe", "class"),
    "col.accounts": ("comptes", "accounts"),
    "col.activated": ("activés", "activated"),
    "col.rate": ("taux", "rate"),
    "col.route": ("parcours", "route"),
    "col.code": ("code", "code"),
    "col.fix_in": ("où corriger", "fix in"),
    "col.remedy": ("remède", "remedy"),
    "col.total": ("total", "total"),
    "col.account": ("compte", "account"),
    "col.name": ("nom", "name"),
    "col.state": ("état", "state"),
    "col.open_routes": ("parcours ouverts", "open routes"),
    "col.when": ("date", "when"),
    "col.what": ("quoi", "what"),
    "col.outcome": ("résultat", "outcome"),
    "col.who": ("par", "by"),
    # search
    "search.title": ("Rechercher des comptes", "Search accounts"),
    "search.name": ("Nom (partie du nom, accents ignorés)", "Name (part of it, accents ignored)"),
    "search.any": ("tous", "any"),
    "search.blocker": ("Blocage", "Blocker"),
    "search.class": ("Classe", "Class"),
    "search.profile": ("Profil", "Profile"),
    "search.state": ("État", "State"),
    "search.route": ("Parcours ouvert", "Open route"),
    "search.submit": ("Rechercher", "Search"),
    "search.results": ("{first}–{last} sur {total}", "{first}–{last} of {total}"),
    "search.none": ("Aucun compte ne correspond.", "No account matches."),
    "search.previous": ("Page précédente", "Previous page"),
    "search.next": ("Page suivante", "Next page"),
    "search.only_profiles": (
        "Depuis cet accès, vous voyez les comptes : {profiles}.",
        "From this access, you see the accounts: {profiles}.",
    ),
    "search.no_routes": ("aucun", "none"),
    # account
    "account.title": ("Compte {account_id}", "Account {account_id}"),
    "account.data": ("Données", "Data"),
    "account.profile": ("Profil", "Profile"),
    "account.invalid": ("{raw} (invalide : {code})", "{raw} (invalid: {code})"),
    "account.no_source": ("Données source introuvables.", "Source data not found."),
    "account.class": ("Classe", "Class"),
    "account.born": ("Né(e) le", "Born"),
    "account.left": ("Sorti(e) le", "Left on"),
    "account.mobile": ("Portable", "Mobile"),
    "account.email": ("Courriel", "Email"),
    "account.children": ("Enfants", "Children"),
    "account.state": ("État", "State"),
    "account.identifier": ("Identifiant", "Identifier"),
    "account.credentials": ("Identifiants provisoires", "Provisional credentials"),
    "account.credentials_dates": (
        "du {date}, valables jusqu'au {until}",
        "of {date}, valid until {until}",
    ),
    "account.activated_by": ("Activé par", "Activated by"),
    "account.activation_email": ("Courriel saisi à l'activation", "Email given at activation"),
    "account.deactivated": ("Désactivé le", "Deactivated on"),
    "account.routes": ("Parcours d'activation", "Activation routes"),
    "account.open": ("ouvert", "open"),
    "account.closed": ("fermé", "closed"),
    "account.effective": ("effet le {date}", "takes effect {date}"),
    "account.history": ("Historique", "History"),
    "account.no_history": ("Aucun événement.", "No event."),
    "account.deliveries": ("Envois", "Deliveries"),
    "account.delivered": ("remis", "delivered"),
    "account.failed": ("échec", "failed"),
    "account.no_deliveries": ("Aucun envoi.", "No delivery."),
    # actions
    "actions.title": ("Actions", "Actions"),
    "actions.none": (
        "Aucune action possible sur ce compte depuis cet accès.",
        "No action possible on this account from this access.",
    ),
    "action.notify": ("Notifier le compte", "Notify the account"),
    "action.resend_notification": ("Renvoyer la notification", "Resend the notification"),
    "action.reset_password": ("Réinitialiser le mot de passe", "Reset the password"),
    "action.recall_identifier": ("Rappeler l'identifiant", "Recall the identifier"),
    "action.deactivate": ("Désactiver le compte", "Deactivate the account"),
    "action.reactivate": ("Réactiver le compte", "Reactivate the account"),
    "confirm.title": ("Confirmer : {action}", "Confirm: {action}"),
    "confirm.account": ("Compte", "Account"),
    "confirm.notify": (
        "Un identifiant et un mot de passe provisoire seront émis pour ce compte, sur un "
        "courrier PDF à imprimer et à remettre à son titulaire. Le mot de passe ne figure "
        "nulle part ailleurs.",
        "An identifier and a provisional password will be issued for this account, on a "
        "PDF letter to print and hand to its holder. The password is written nowhere else.",
    ),
    "confirm.resend_notification": (
        "Un nouveau courrier avec un nouveau mot de passe provisoire sera émis ; le "
        "courrier précédent ne fonctionnera plus.",
        "A new letter with a new provisional password will be issued; the previous letter "
        "will stop working.",
    ),
    "confirm.reset_password": (
        "Un nouveau mot de passe provisoire sera émis sur un courrier PDF ; le titulaire "
        "devra le changer à sa prochaine connexion. L'ancien mot de passe ne fonctionnera plus.",
        "A new provisional password will be issued on a PDF letter; the holder will have to "
        "change it at their next sign-in. The old password will stop working.",
    ),
    "confirm.recall_identifier": (
        "Un courrier PDF rappelant l'identifiant du compte (sans mot de passe) sera émis.",
        "A PDF letter recalling the account's identifier (no password) will be issued.",
    ),
    "confirm.deactivate": (
        "Le compte sera désactivé : son titulaire ne pourra plus se connecter. Rien n'est "
        "supprimé : le compte pourra être réactivé.",
        "The account will be deactivated: its holder will no longer sign in. Nothing is "
        "deleted: the account can be reactivated.",
    ),
    "confirm.reactivate": (
        "Le compte sera réactivé : son titulaire pourra de nouveau s'en servir.",
        "The account will be reactivated: its holder can use it again.",
    ),
    "confirm.reason": ("Motif (code court, gardé sur le compte)", "Reason (short code, kept)"),
    "confirm.reason_hint": (
        "Par exemple : depart, doublon. Les codes commençant par « sync: » sont réservés "
        "à la synchronisation.",
        "For instance: depart, doublon. Codes starting with “sync:” are reserved to the "
        "synchronisation.",
    ),
    "confirm.reason_required": ("Indiquez un motif.", "Give a reason."),
    "confirm.reason_long": (
        "Le motif est trop long ({n} caractères au plus).",
        "The reason is too long ({n} characters at most).",
    ),
    "confirm.reason_reserved": (
        "Les motifs commençant par « sync: » sont réservés à la synchronisation : "
        "choisissez-en un autre.",
        "Reasons starting with “sync:” are reserved to the synchronisation: choose another.",
    ),
    "confirm.submit": ("Confirmer", "Confirm"),
    "confirm.cancel": ("Annuler", "Cancel"),
    "done.title": ("Résultat : {action}", "Result: {action}"),
    "done.change": ("C'est fait.", "Done."),
    "done.states": ("État du compte : {before} → {after}.", "Account state: {before} → {after}."),
    "done.unchanged": ("Rien à faire :", "Nothing to do:"),
    "done.refused": ("Action refusée :", "Action refused:"),
    "done.concurrent": (
        "Le compte a été modifié au même moment par quelqu'un d'autre : rouvrez-le et recommencez.",
        "The account was changed by someone else at the same time: open it again and retry.",
    ),
    "done.back": ("Retour au compte", "Back to the account"),
    "letters.title": ("Courriers à imprimer", "Letters to print"),
    "letters.download": ("Télécharger {name}", "Download {name}"),
    "letters.kept": (
        "Ces fichiers contiennent des mots de passe provisoires : imprimez-les, remettez-les "
        "en main propre, puis supprimez-les. Vous seul·e pouvez les télécharger, pendant "
        "{minutes} minutes.",
        "These files hold provisional passwords: print them, hand them over in person, then "
        "delete them. Only you can download them, for {minutes} minutes.",
    ),
    "letters.failed": ("Non imprimés", "Not printed"),
    # bulk notification
    "bulk.title": ("Notifier une classe ou un profil", "Notify a class or a profile"),
    "bulk.intro": (
        "Les comptes pas encore activés reçoivent des identifiants provisoires sur un "
        "courrier PDF. Vous verrez d'abord qui recevra un courrier : rien n'est émis avant "
        "votre confirmation.",
        "Accounts not yet activated get provisional credentials on a PDF letter. You first "
        "see who will get a letter: nothing is issued before you confirm.",
    ),
    "bulk.profile": ("Profil", "Profile"),
    "bulk.class": ("Classe", "Class"),
    "bulk.all_classes": ("toutes les classes", "all classes"),
    "bulk.preview": ("Voir qui recevra un courrier", "See who will get a letter"),
    "bulk.preview_title": ("Aperçu de la notification", "Notification preview"),
    "bulk.done_title": ("Notification faite", "Notification done"),
    "bulk.selection_class": ("{profile}, classe {division}", "{profile}, class {division}"),
    "bulk.selection_all": ("{profile}, tout l'établissement", "{profile}, the whole school"),
    "bulk.dry_run": (
        "Simulation : rien n'a encore été écrit ni émis.",
        "Dry run: nothing has been written or issued yet.",
    ),
    "bulk.will_get": ("Recevront un courrier ({n})", "Will get a letter ({n})"),
    "bulk.got": ("Ont reçu des identifiants ({n})", "Got credentials ({n})"),
    "bulk.left_out": ("Laissés de côté ({n})", "Left out ({n})"),
    "bulk.refused": ("Refusés ({n})", "Refused ({n})"),
    "bulk.excluded": (
        "Non sélectionnés à cause de leur état",
        "Not selected because of their state",
    ),
    "bulk.nobody": ("Aucun compte ne recevra de courrier.", "No account will get a letter."),
    "bulk.apply": ("Émettre les courriers ({n})", "Issue the letters ({n})"),
    "bulk.again": ("Notifier une autre classe", "Notify another class"),
    "bulk.bad_profile": (
        "Choisissez un profil que vous pouvez notifier.",
        "Choose a profile you may notify.",
    ),
    "col.why": ("pourquoi", "why"),
    "none": ("–", "–"),
}

_STATES: Final = {
    AccountState.NOT_ACTIVATED: ("non activé", "not activated"),
    AccountState.NOTIFIED: ("notifié", "notified"),
    AccountState.ACTIVATED: ("activé", "activated"),
    AccountState.PASSWORD_RESET: ("mot de passe réinitialisé", "password reset"),
    AccountState.DEACTIVATED: ("désactivé", "deactivated"),
}
_PROFILES: Final = {
    Profile.ELEVE: ("élève", "student"),
    Profile.RESPONSABLE: ("responsable", "parent"),
}
_ROLES: Final = {
    Role.CHEF_ETABLISSEMENT: ("chef d'établissement", "head of school"),
    Role.ADJOINT: ("adjoint", "deputy head"),
    Role.DIRECTEUR_ECOLE: ("directeur d'école", "primary school head"),
    Role.DELEGATE: ("personnel délégué (DELEG-CE)", "delegate (DELEG-CE)"),
    Role.IDENTITY_PROVIDER: ("fournisseur d'identité", "identity provider"),
}
_FIX: Final = {
    FixLocation.SIECLE: ("dans SIECLE", "in SIECLE"),
    FixLocation.ADMIN_MODULE: ("dans ce module", "in this module"),
    FixLocation.NOWHERE: ("rien à corriger", "nothing to fix"),
}
_LEVELS: Final = {
    ResponsibilityLevel.LEGAL: ("représentant légal", "legal representative"),
    ResponsibilityLevel.EN_CHARGE: ("personne en charge", "person in charge"),
    ResponsibilityLevel.CONTACT: ("contact", "contact"),
    ResponsibilityLevel.UNKNOWN: ("niveau inconnu", "level unknown"),
}


def text(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (``fr`` unless ``en``), formatted with ``values``."""
    fr, en = MESSAGES[key]
    chosen = en if lang == "en" else fr
    return chosen.format(**values) if values else chosen


def label(lang: str, value: enum.Enum) -> str:
    """A domain value's name for people: states, profiles, roles, routes, levels."""
    for table in (_STATES, _PROFILES, _ROLES, _FIX, _LEVELS):
        if value in table:
            fr, en = table[value]  # type: ignore[index]
            return en if lang == "en" else fr
    if isinstance(value, Action):
        return text(lang, f"action.{value.value}")
    if isinstance(value, Route):
        return value.label_en if lang == "en" else value.label_fr
    return str(value.value)
