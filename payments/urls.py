"""Payment pages, mounted at the root of each language (/<lang>/…); one namespace, `payments`.

Stripe's webhook is at /stripe/webhook/ (no language prefix), in config/urls.py.
"""

from django.urls import path

from payments.views import backings, checkout, commitments, demo_checkout, fulfilment, funding, payouts, subscriptions

app_name = "payments"

urlpatterns = [
    # Checkout: donate once, subscribe to a plan, come back from Stripe.
    path("projects/<id:project_id>/donate/", checkout.donate, name="donate"),
    path("projects/<id:project_id>/plans/<id:plan_id>/subscribe/", checkout.subscribe, name="subscribe"),
    path("projects/<id:project_id>/checkout/<str:outcome>/", checkout.checkout_return, name="checkout_return"),
    # A company admin pays a confirmed investment commitment as the company.
    path("commitments/<id:pk>/pay/", commitments.pay_commitment, name="pay_commitment"),
    path("commitments/<id:pk>/paid/", commitments.commitment_paid, name="commitment_paid"),
    # The demo checkout's page (settings.PAYMENTS_GATEWAY = "demo" only; a 404 otherwise).
    path("demo-checkout/<str:token>/", demo_checkout.demo_checkout, name="demo_checkout"),
    # A project's funding: the team's dashboard and CSV; the public live totals.
    path("projects/<id:project_id>/funding/", funding.funding_dashboard, name="funding_dashboard"),
    path("projects/<id:project_id>/funding/export.csv", funding.funding_csv, name="funding_csv"),
    path("projects/<id:project_id>/funding.json", funding.funding_progress, name="funding_progress"),
    # Plans that ship goods: the team's monthly list, its CSV and packing slips, "shipped".
    path("projects/<id:project_id>/fulfilment/", fulfilment.fulfilment_list, name="fulfilment"),
    path("projects/<id:project_id>/fulfilment/export.csv", fulfilment.fulfilment_csv, name="fulfilment_csv"),
    path("projects/<id:project_id>/fulfilment/slips/", fulfilment.packing_slips, name="packing_slips"),
    path("projects/<id:project_id>/fulfilment/shipped/", fulfilment.mark_shipped, name="mark_shipped"),
    # The backer's own pages.
    path("backings/", backings.my_backings, name="my_backings"),
    path("backings/<id:pk>/", backings.backing_detail, name="backing_detail"),
    path("backings/receipts/<id:pk>/", backings.receipt, name="receipt"),
    path("backings/<id:pk>/address/", backings.delivery_address, name="delivery_address"),
    path("backings/<id:pk>/cancel-payment/", backings.cancel_checkout, name="cancel_checkout"),
    # The backer's subscription.
    path("backings/<id:pk>/manage/", subscriptions.manage, name="subscription_manage"),
    path("backings/<id:pk>/manage/pause/", subscriptions.pause, name="subscription_pause"),
    path("backings/<id:pk>/manage/skip/", subscriptions.skip, name="subscription_skip"),
    path("backings/<id:pk>/manage/resume/", subscriptions.resume, name="subscription_resume"),
    path("backings/<id:pk>/manage/plan/", subscriptions.switch_plan, name="subscription_switch_plan"),
    path("backings/<id:pk>/manage/cancel/", subscriptions.cancel, name="subscription_cancel"),
    path("backings/<id:pk>/manage/keep/", subscriptions.undo_cancel, name="subscription_undo_cancel"),
    # The enterprise team's payouts (members see; managers start Stripe Connect onboarding).
    path("enterprises/<str:slug>/payouts/", payouts.payouts, name="payouts"),
    path("enterprises/<str:slug>/payouts/connect/", payouts.payouts_connect, name="payouts_connect"),
    path("enterprises/<str:slug>/payouts/return/", payouts.payouts_return, name="payouts_return"),
    path("enterprises/<str:slug>/payouts/refresh/", payouts.payouts_refresh, name="payouts_refresh"),
]
