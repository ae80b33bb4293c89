"""Pagination for the queues and lists of every stage."""

from django.core.paginator import Page, Paginator


class QueuePaginator(Paginator):
    """A paginator that joins a page's relations for the page's rows only.

    First the page's ids, from the queue's filters and order without the joins
    ``select_related`` adds; then the rows and their relations for those ids (``id IN (…)``,
    in the queue's order). One query more than a plain page, but PostgreSQL no longer joins
    every row of the queue before sorting it and taking the page, and with the ids written out
    it knows how few rows to join (as a subquery it misjudged them and joined everything).
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queue = self.object_list
        ids = list(
            queue.select_related(None)
            .prefetch_related(None)
            .values_list("pk", flat=True)[bottom:top]
        )
        rows = queue.filter(pk__in=ids) if ids else []
        return self._get_page(list(rows), number, self)
