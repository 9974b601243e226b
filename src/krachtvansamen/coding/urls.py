"""The coding pages, under /coderen/: the workbench (queue, fragment, settling), agreement between coders,
lists and the palet, REFI-QDA exchange, and quote review. Each part keeps its own views and URLs."""

from krachtvansamen.coding.agreement.urls import urlpatterns as agreement
from krachtvansamen.coding.lists.urls import urlpatterns as lists
from krachtvansamen.coding.qda.urls import urlpatterns as qda
from krachtvansamen.coding.quotes.urls import urlpatterns as quotes
from krachtvansamen.coding.workbench.urls import urlpatterns as workbench

app_name = "coding"
urlpatterns = [*workbench, *agreement, *lists, *qda, *quotes]
