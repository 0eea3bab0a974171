"""In-app notifications, member subscriptions, signed outbound webhooks and the weekly digest."""
