"""What the payment pages read (nothing here changes anything): a backer's own backings and receipts, a team's
ledger, the people backing a project. Money totals are read from payments.ledger; the listings a payment page
starts from (a public one to back, a team's own one) from marketplace.queries."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from payments.models import Backing, LedgerEntry


def backings_of(user):
    """The person's backings, newest first, with their listing and plan (expired checkouts left out). What their list
    shows of each project comes from backed_projects."""
    return (
        Backing.objects.filter(backer=user, listing__isnull=False)  # purchases are listed where they were made
        .exclude(status=Backing.Status.EXPIRED)
        .select_related("listing", "plan")
    )


@dataclass
class BackedProject:
    """What a backer's list shows of a project, in the reader's language (its translation, or its original)."""

    title: str
    url: str
    lang: str  # the language of the title's text
    image: object = None  # the picture, with its card rendition, or None
    latest_update: object = None  # the newest ProjectUpdate of the project (its original page's), or None
    update_lang: str = ""  # the language of the updates' text (the original page's)


def backed_projects(project_ids):
    """{project page id: BackedProject} for these projects (their original pages, as listings name them), each kept
    per page and language while the page's content stands (cms.page_cache.values_of_pages, shows_no_money: a payment
    leaves it kept; a new update moves it). A page that is gone is left out."""
    from cms.page_cache import values_of_pages
    from cms.public import versions_in_active_language

    shown = versions_in_active_language(project_ids)
    kept = values_of_pages("backed-project", sorted(set(shown.values())), _read_backed_projects, shows_money=False)
    return {project_id: kept[page_id] for project_id, page_id in shown.items() if page_id in kept}


def _read_backed_projects(page_ids):
    from django.db.models import F
    from wagtail.models import Locale

    from cms.models import ProjectPage, ProjectUpdate
    from cms.models.pages import CONTENT_LANGUAGE_RELATIONS
    from marketplace.presentation import attach_card_images

    pages = list(
        ProjectPage.objects.filter(pk__in=page_ids).prefetch_related(*CONTENT_LANGUAGE_RELATIONS).defer_streamfields()
    )
    attach_card_images(pages)
    # Updates are posted on the original page (marketplace.actions.post_project_update), whatever the reader's
    # language: found by the translation key the versions share.
    default = Locale.get_default()
    updates = ProjectUpdate.objects.filter(
        project__translation_key__in={page.translation_key for page in pages}, project__locale=default
    ).annotate(key=F("project__translation_key"))
    latest = {}
    for update in updates.order_by("project_id", *ProjectUpdate._meta.ordering):
        latest.setdefault(update.key, update)
    return {
        page.pk: BackedProject(
            title=page.title,
            url=page.url or "",
            lang=page.content_language,
            image=page.hero_image,
            latest_update=latest.get(page.translation_key),
            update_lang=default.language_code,
        )
        for page in pages
    }


def payments_by_backing(backings):
    """{backing id: [its payment entries]} for the backings of one page, in one query."""
    payments = {}
    for entry in LedgerEntry.objects.filter(backing__in=list(backings), kind=LedgerEntry.Kind.PAYMENT):
        payments.setdefault(entry.backing_id, []).append(entry)
    return payments


def came_back_from_checkout(listing, backing_id):
    """Whether `backing_id` names a checkout started for this listing and not given up: the success page thanks only
    then, not for an address opened by hand or with a made-up id (it says nothing of whose it is or whether it is
    paid; the webhook alone records the payment)."""
    if backing_id is None:
        return False
    return Backing.objects.filter(pk=backing_id, listing=listing).exclude(status=Backing.Status.EXPIRED).exists()


def payer_name_known(backing):
    """The name a payment page starts with: the one given for the receipt, else the signed-in backer's own name (as
    Stripe's page shows its customer's); never their email address, which is not a name."""
    if backing.backer_name:
        return backing.backer_name
    backer = backing.backer
    if backer is None:
        return ""
    return backer.display_name or f"{backer.first_name} {backer.last_name}".strip()


def own_backing_or_404(user, pk):
    """One of the person's own backings; anyone else's is 404 (its existence is not revealed)."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan"), pk=pk, backer=user, listing__isnull=False
    )


def own_subscription_or_404(user, pk):
    """One of the person's own subscriptions; anyone else's is 404."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan"), pk=pk, backer=user, kind=Backing.Kind.SUBSCRIPTION
    )


def own_receipt_or_404(user, pk):
    """A payment of the person's own, or one paid as a company of which the person is an admin (the company files
    its receipts), with a receipt number; anything else is 404."""
    from django.db.models import Q

    from accounts.models import Organisation, Role

    admin_of = Organisation.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).values("pk")

    return get_object_or_404(
        LedgerEntry.objects.select_related(
            "backing__backer", "backing__payee", "listing__project", "listing__enterprise__organisation"
        ).exclude(receipt_number=None),
        Q(backing__backer=user) | Q(backing__paying_organisation__in=admin_of),
        pk=pk,
        kind=LedgerEntry.Kind.PAYMENT,
    )


def ledger_entries_of(listing):
    """A team's ledger, newest first, with the backers the dashboard names."""
    return listing.ledger_entries.select_related("backing__backer", "backing__plan")


def people_backing_now(listing):
    """The signed-in people who back the project now (paid, active, paused or past due): they hear of its updates."""
    from accounts.models import User

    backing_now = (Backing.Status.PAID, Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE)
    return list(
        User.objects.filter(is_active=True, backings__listing=listing, backings__status__in=backing_now).distinct()
    )


def shipping_backings(listing, *, shipment_backings, plans):
    """The listing's subscriptions on shipping `plans` that could get goods now (active, paused, past due: the
    caller leaves out those that do not), and those in `shipment_backings` (already shipped), with their plan,
    backer and delivery address, ordered for packing (plan, then oldest backer first)."""
    from django.db.models import Q

    return list(
        Backing.objects.filter(listing=listing, kind=Backing.Kind.SUBSCRIPTION)
        .filter(
            Q(pk__in=list(shipment_backings))
            | Q(
                plan__in=list(plans),
                status__in=(Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE),
            )
        )
        .select_related("plan", "backer", "delivery_address__township__county")
        .order_by("plan__sort_order", "plan_id", "created", "pk")
    )


def own_shipping_subscription_or_404(user, pk):
    """One of the person's own subscriptions to a plan that ships goods, with its address; anything else is 404."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan", "delivery_address__township__county"),
        pk=pk,
        backer=user,
        kind=Backing.Kind.SUBSCRIPTION,
        plan__ships_goods=True,
    )


def shipments_of(backing):
    return list(backing.shipments.order_by("-period")[:12])


# --- the staff's admin screens (payments.wagtail_hooks; payments.ledger_labels names what each row is for) -----


def ledger_for_staff():
    return LedgerEntry.objects.select_related(
        "listing__project",
        "backing__plan",
        "backing__listing__project",
        "backing__backer",
        "backing__payee",
        "backing__interest",
    )


def backings_for_staff():
    return Backing.objects.select_related("plan", "listing__project", "backer", "payee", "interest")
