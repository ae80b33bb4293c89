// At phone width every table in the page becomes one card per row (CSS: table.stack): each
// cell is labelled with its column's header, copied here from the table's head.
document.querySelectorAll("main table").forEach((table) => {
  const headRow = table.tHead && table.tHead.rows[0];
  if (!headRow) return;
  const labels = [];
  Array.from(headRow.cells).forEach((cell) => {
    for (let i = 0; i < (cell.colSpan || 1); i += 1) labels.push(cell.textContent.trim());
  });
  Array.from(table.tBodies).forEach((body) => {
    Array.from(body.rows).forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        if (cell.colSpan === 1 && cell.tagName === "TD" && !cell.dataset.label && labels[column] && column > 0) {
          cell.dataset.label = labels[column];
        }
        column += cell.colSpan || 1;
      });
    });
  });
  table.classList.add("stack");
});
